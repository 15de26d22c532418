"""Name helpers for the lint rules: a re-export of :mod:`azora_tasks.vocabulary`.

The generator and the linter share one vocabulary (word splitting, plurals,
money and state words) so a generated schema always lints clean.
"""

from __future__ import annotations

from azora_tasks.vocabulary import (
    CAMEL_CASE,
    IRREGULAR_PLURALS,
    KNOWN_PLURALS,
    MONEY_WORDS,
    OPEN_ENDED_NAMES,
    PASCAL_CASE,
    SINGULAR_ENDING_IN_S,
    SNAKE_CASE,
    STATE_WORDS,
    UNCOUNTABLE,
    is_money_name,
    is_plural_word,
    pluralize,
    snake_plural,
    split_words,
)

__all__ = [
    "CAMEL_CASE",
    "IRREGULAR_PLURALS",
    "KNOWN_PLURALS",
    "MONEY_WORDS",
    "OPEN_ENDED_NAMES",
    "PASCAL_CASE",
    "SINGULAR_ENDING_IN_S",
    "SNAKE_CASE",
    "STATE_WORDS",
    "UNCOUNTABLE",
    "is_money_name",
    "is_plural_word",
    "pluralize",
    "snake_plural",
    "split_words",
]
