"""Names derived from model names: table names and relation field names.

The checklist wants `@@map` to snake_case plural tables (`RefreshToken` ->
`refresh_tokens`); relation back fields want camelCase plurals (`refreshTokens`).
A small English pluralizer is enough: model names are chosen by us.
"""

from __future__ import annotations

import re

_IRREGULAR = {"person": "people", "child": "children", "datum": "data", "index": "indexes", "analysis": "analyses"}
_UNCOUNTABLE = ("data", "information", "media", "metadata", "news", "equipment", "feedback")


def plural(word: str) -> str:
    """`Category` -> `Categories`, `Address` -> `Addresses`, `Key` -> `Keys` (keeps the first letter's case)."""
    head, last = _split_last_word(word)
    lower = last.lower()
    if lower in _UNCOUNTABLE:
        result = lower
    elif lower in _IRREGULAR:
        result = _IRREGULAR[lower]
    elif re.search(r"[^aeiou]y$", lower):
        result = lower[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", lower):
        result = lower + "es"
    else:
        result = lower + "s"
    if last[:1].isupper():
        result = result[:1].upper() + result[1:]
    return head + result


def _split_last_word(word: str) -> tuple[str, str]:
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", word)
    if not parts:
        return "", word
    last = parts[-1]
    return word[: len(word) - len(last)], last


def words(name: str) -> list[str]:
    """`totalAmount` -> ["total", "amount"], `APIKey` -> ["api", "key"] (lower case)."""
    return [part.lower() for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def snake(word: str) -> str:
    """`RefreshToken` -> `refresh_token`, `APIKey` -> `api_key`."""
    return "_".join(part.lower() for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", word))


def snake_plural(model: str) -> str:
    return snake(plural(model))


def lower_first(word: str) -> str:
    return word[:1].lower() + word[1:]
