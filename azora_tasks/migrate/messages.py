"""One-line summaries of what went wrong, from the engine's, the database's or the CLI's long text.

The end-of-run summary shows one line per service; the full text stays in the
transcript. Never `P1012: |`, `engine.rs:242`, raw JSON or "migration failed":
the line says what happened and where (file:line when there is one).
"""

from __future__ import annotations

import re
from pathlib import Path

_ERROR_LINE = re.compile(r"^\s*error:\s*(?:Error validating[^:]*:\s*)?(.+?)\s*$", re.MULTILINE)
_LOCATION = re.compile(r"-->\s+(\S+?):(\d+)")
_CODE = re.compile(r"\b(P\d{4})\b")
_NOISE = re.compile(r"^(?:\s*at |\s*\d+: |\s*\||\s*$|\{|\[)")


def relative(path: str, root: Path | None, cwd: Path | None = None) -> str:
    """`path` relative to the monorepo root; a relative `path` is taken from `cwd` (where the CLI ran)."""
    if root is None:
        return path
    try:
        absolute = Path(path) if Path(path).is_absolute() or cwd is None else cwd / path
        return str(absolute.resolve().relative_to(root.resolve()))
    except (ValueError, OSError):
        return path


def schema_error(text: str, root: Path | None = None, cwd: Path | None = None) -> str | None:
    """`prisma validate`-style errors → "schema invalid: <first error> (file:line)", else None."""
    match = _ERROR_LINE.search(text)
    if not match or ("-->" not in text and "P1012" not in text):
        return None
    where = _LOCATION.search(text)
    count = len(_ERROR_LINE.findall(text))
    more = f" (+{count - 1} more)" if count > 1 else ""
    location = f" at {relative(where.group(1), root, cwd)}:{where.group(2)}" if where else ""
    return f"schema invalid{location}: {match.group(1).rstrip('.')}{more} (run `azora-tasks validate` for every error)"


def first_meaningful_line(text: str, limit: int = 240) -> str:
    """The first line that is a sentence, not a stack frame, a JSON brace or a code-frame gutter."""
    for line in text.strip().splitlines():
        stripped = line.strip()
        if stripped and not _NOISE.match(line) and not re.search(r"\.rs:\d+", stripped):
            stripped = re.sub(r"^(?:Error:\s*)+", "", stripped)
            return stripped[:limit]
    return "no details (see the transcript with --verbose)"


def summarize(text: str, root: Path | None = None, cwd: Path | None = None) -> str:
    """The best one-line description of an engine or CLI error text."""
    return schema_error(text, root, cwd) or first_meaningful_line(text)


_DATABASE_ERROR = re.compile(
    r"(?:Database error:\s*\n\s*(?:ERROR:\s*)?|DriverAdapterError:\s*|SqliteError:\s*|\bERROR:\s+|^Error:[ \t]+(?!P\d{4}\s*$))([^\n]+)",
    re.MULTILINE,
)


def deploy_failure(output: str, code: str | None, migration: str | None) -> str:
    """`prisma migrate deploy` failed: which migration, the database's own words, what to do."""
    reason_match = _DATABASE_ERROR.search(output)
    reason = reason_match.group(1).strip()[:200] if reason_match else first_meaningful_line(output, 200)
    if code == "P3009":
        return f"P3009: a failed migration{' ' + migration if migration else ''} in the database blocks this service (fix it, then `prisma migrate resolve`)"
    if migration:
        return f"{code or 'P3018'}: {migration} failed: {reason} (fix it, then `prisma migrate resolve --rolled-back {migration}`)"
    return f"{code + ': ' if code else ''}migrate deploy failed: {reason}"
