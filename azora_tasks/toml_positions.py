"""Find the line of a key in TOML text.

tomlkit keeps comments and layout but not line numbers, and an error message
without a line number makes people search a 1,000-line manifest. This module
walks the text once, tracking the current table header, and returns the line
where a key path is defined (or the closest enclosing table when the exact key
is absent, e.g. for "missing required key" errors).
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def split_dotted(key: str) -> tuple[str, ...]:
    """Split a dotted TOML key, honouring quotes: `a."b.c".d` -> (a, b.c, d)."""
    parts: list[str] = []
    current = ""
    quote: str | None = None
    for char in key:
        if quote:
            if char == quote:
                quote = None
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return tuple(parts)


def locate_key(text: str, keypath: tuple[str | int, ...]) -> int | None:
    """Return the 1-based line defining `keypath`, or of its closest parent; None if unknown.

    Integers in `keypath` index arrays of tables (`[[milestones]]`).
    """
    best_line: int | None = None
    best_depth = 0
    array_counts: dict[tuple[str, ...], int] = {}
    table: tuple[str | int, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            names = split_dotted(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(names, -1) + 1
                array_counts[names] = index
                table = (*names, index)
            else:
                table = names
            depth = _common_prefix(table, keypath)
            if depth == len(table) and depth > best_depth:
                best_line, best_depth = number, depth
            continue
        key = _KEY_LINE.match(line)
        if key:
            full = (*table, *split_dotted(key.group(1)))
            depth = _common_prefix(full, keypath)
            if depth == len(full) and depth > best_depth:
                best_line, best_depth = number, depth
            elif depth > best_depth and depth == len(keypath):
                best_line, best_depth = number, depth
    return best_line


def _common_prefix(a: tuple[str | int, ...], b: tuple[str | int, ...]) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
