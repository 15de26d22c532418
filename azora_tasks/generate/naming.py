"""Names derived from model names: table names and relation field names.

The checklist wants `@@map` to snake_case plural tables (`RefreshToken` ->
`refresh_tokens`); relation back fields want camelCase plurals (`refreshTokens`).
The words come from :mod:`azora_tasks.vocabulary`, the vocabulary the linter
uses too, so what the generator writes is what the linter expects
(`Quiz` -> `quizzes`, `Curriculum` -> `curricula`, `ModuleProgress` -> `module_progress`).
"""

from __future__ import annotations

from azora_tasks.vocabulary import (
    lower_first,
    plural,
    snake_plural,
    split_words,
    to_snake,
)


def words(name: str) -> list[str]:
    """`totalAmount` -> ["total", "amount"], `APIKey` -> ["api", "key"] (lower case)."""
    return split_words(name)


def snake(word: str) -> str:
    """`RefreshToken` -> `refresh_token`, `APIKey` -> `api_key`."""
    return to_snake(word)


__all__ = ["lower_first", "plural", "snake", "snake_plural", "words"]
