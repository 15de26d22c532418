"""Name helpers: splitting identifiers into words, snake_case and plurals.

Rules decide by *words* rather than substrings so that ``priceId`` is an id,
not a price, and ``isUpToDate`` is a flag, not a date.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")

IRREGULAR_PLURALS = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "tooth": "teeth",
    "foot": "feet",
    "ox": "oxen",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "index": "indices",
    "matrix": "matrices",
    "vertex": "vertices",
    "datum": "data",
    "medium": "media",
    "analysis": "analyses",
    "crisis": "crises",
    "thesis": "theses",
    "leaf": "leaves",
    "life": "lives",
    "knife": "knives",
    "wife": "wives",
    "half": "halves",
    "quiz": "quizzes",
}
"""Singular → plural for words the suffix rules get wrong."""

UNCOUNTABLE = frozenset(
    {
        "data", "metadata", "media", "information", "equipment", "staff", "feedback",
        "news", "series", "species", "inventory", "software", "hardware", "analytics",
        "audio", "video", "music", "money", "sheep", "fish", "deer", "aircraft", "progress",
        "evidence", "advice", "knowledge", "content", "traffic", "research", "personnel",
    }
)
"""Words whose plural is the word itself (``Media`` → ``media``)."""

KNOWN_PLURALS = frozenset(IRREGULAR_PLURALS.values()) | UNCOUNTABLE

SINGULAR_ENDING_IN_S = frozenset(
    {
        "status", "address", "news", "series", "species", "canvas", "alias", "atlas",
        "gas", "lens", "chaos", "ethos", "kudos", "bias", "bus", "campus", "virus", "bonus",
        "census", "corpus", "analysis", "axis", "basis", "thesis", "crisis", "process",
        "access", "business", "class", "success", "progress", "sms", "dns", "os", "aws",
        "plus", "radius", "focus", "consensus", "apparatus", "nexus", "stimulus", "syllabus",
        "analytics", "statistics", "physics", "mathematics", "economics", "logistics",
    }
)


def split_words(name: str) -> list[str]:
    """``"refreshTokenURL2"`` → ``["refresh", "token", "url", "2"]`` (lower-cased)."""
    return [w.lower() for w in _WORD.findall(name)]


def to_snake(name: str) -> str:
    """``"RefreshToken"`` → ``"refresh_token"``; ``"APIKey"`` → ``"api_key"``."""
    return "_".join(split_words(name))


def pluralize(word: str) -> str:
    """English plural of one lower-case word, good enough for table names."""
    if word in UNCOUNTABLE:
        return word
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def snake_plural(model_name: str) -> str:
    """Expected table name: ``"Category"`` → ``"categories"``, ``"RefreshToken"`` → ``"refresh_tokens"``."""
    words = split_words(model_name)
    if not words:
        return model_name.lower()
    words[-1] = pluralize(words[-1])
    return "_".join(words)


SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PASCAL_CASE = re.compile(r"^[A-Z][a-zA-Z0-9]*$")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def is_plural_word(word: str) -> bool:
    """Whether a lower-case word reads as a plural (``users`` yes, ``status`` no)."""
    if word in UNCOUNTABLE or word in SINGULAR_ENDING_IN_S:
        return False
    if word in IRREGULAR_PLURALS.values():
        return True
    if not word.endswith("s") or len(word) < 3:
        return False
    return not word.endswith(("ss", "us", "is"))
