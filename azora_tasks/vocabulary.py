"""The one naming vocabulary shared by the schema generator and the schema linter.

The generator writes table names, back-relation names and refuses money or
status fields of the wrong type; the linter checks exactly the same things in
hand-written schemas.  When each kept its own word lists they disagreed
(`Quiz` became `quizes` in one and `quizzes` in the other, `curricula` was
"not plural", `ModuleProgress` was treated as a plural), so a freshly generated
schema could fail the lint.  Everything that decides by *words* lives here.

Decisions are made on whole words, not substrings: ``priceId`` is an id, not a
price; ``isUpToDate`` is a flag, not a date.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")

IRREGULAR_PLURALS: dict[str, str] = {
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
    "curriculum": "curricula",
    "index": "indexes",
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

ALTERNATIVE_PLURALS = frozenset({"indices", "curriculums", "syllabi", "appendices", "memoranda"})
"""Plurals accepted in existing table names although :func:`pluralize` writes another form."""

UNCOUNTABLE = frozenset(
    {
        "data",
        "metadata",
        "media",
        "information",
        "equipment",
        "staff",
        "feedback",
        "news",
        "series",
        "species",
        "inventory",
        "software",
        "hardware",
        "analytics",
        "audio",
        "video",
        "music",
        "money",
        "sheep",
        "fish",
        "deer",
        "aircraft",
        "progress",
        "evidence",
        "advice",
        "knowledge",
        "content",
        "traffic",
        "research",
        "personnel",
    }
)
"""Words whose plural is the word itself (``Media`` → ``media``, ``ModuleProgress`` → ``module_progress``)."""

KNOWN_PLURALS = frozenset(IRREGULAR_PLURALS.values()) | UNCOUNTABLE | ALTERNATIVE_PLURALS

SINGULAR_ENDING_IN_S = frozenset(
    {
        "status",
        "address",
        "news",
        "series",
        "species",
        "canvas",
        "alias",
        "atlas",
        "gas",
        "lens",
        "chaos",
        "ethos",
        "kudos",
        "bias",
        "bus",
        "campus",
        "virus",
        "bonus",
        "census",
        "corpus",
        "analysis",
        "axis",
        "basis",
        "thesis",
        "crisis",
        "process",
        "access",
        "business",
        "class",
        "success",
        "progress",
        "sms",
        "dns",
        "os",
        "aws",
        "plus",
        "radius",
        "focus",
        "consensus",
        "apparatus",
        "nexus",
        "stimulus",
        "syllabus",
        "analytics",
        "statistics",
        "physics",
        "mathematics",
        "economics",
        "logistics",
    }
)
"""Singular words that end in ``s``: never "plural" model names, always pluralised with ``es``."""

STATE_WORDS = frozenset({"status", "type", "kind", "role", "state"})
"""A field whose last word is one of these holds one of a fixed set of values: an enum."""

OPEN_ENDED_NAMES = frozenset({"contentType", "mimeType", "mediaType", "userAgent"})
"""State-looking names whose values are open-ended strings (MIME types), not enums."""

MONEY_WORDS = frozenset(
    {
        "amount",
        "price",
        "balance",
        "cost",
        "fee",
        "total",
        "subtotal",
        "salary",
        "tax",
        "discount",
        "revenue",
        "wage",
        "budget",
        "payout",
        "refund",
        "commission",
        "deposit",
        "tuition",
    }
)
"""A field whose last word is one of these (or whose first word is ``amount``) holds money."""

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PASCAL_CASE = re.compile(r"^[A-Z][a-zA-Z0-9]*$")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def split_words(name: str) -> list[str]:
    """``"refreshTokenURL2"`` → ``["refresh", "token", "url", "2"]`` (lower-cased)."""
    return [w.lower() for w in _WORD.findall(name)]


def to_snake(name: str) -> str:
    """``"RefreshToken"`` → ``"refresh_token"``; ``"APIKey"`` → ``"api_key"``."""
    return "_".join(split_words(name))


def pluralize(word: str) -> str:
    """English plural of one lower-case word, good enough for table and relation names."""
    if word in UNCOUNTABLE:
        return word
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if is_plural_word(word):  # `orders` -> `orders`, not `orderses`
        return word
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def plural(name: str) -> str:
    """Pluralise the last word of an identifier, keeping its case: ``SearchEntry`` → ``SearchEntries``."""
    match = re.search(r"([A-Z]?[a-z]+|[A-Z]+|\d+)$", name)
    if not match:
        return name
    last = match.group(1)
    result = pluralize(last.lower())
    if last.isupper() and len(last) > 1:
        result = result.upper()
    elif last[:1].isupper():
        result = result[:1].upper() + result[1:]
    return name[: match.start()] + result


def snake_plural(model_name: str) -> str:
    """Expected table name: ``"Category"`` → ``"categories"``, ``"RefreshToken"`` → ``"refresh_tokens"``."""
    words = split_words(model_name)
    if not words:
        return model_name.lower()
    words[-1] = pluralize(words[-1])
    return "_".join(words)


def is_plural_word(word: str) -> bool:
    """Whether a lower-case word reads as a plural (``users`` yes, ``status`` no, ``progress`` no)."""
    if word in UNCOUNTABLE or word in SINGULAR_ENDING_IN_S:
        return False
    if word in IRREGULAR_PLURALS.values() or word in ALTERNATIVE_PLURALS:
        return True
    if not word.endswith("s") or len(word) < 3:
        return False
    return not word.endswith(("ss", "us", "is"))


def is_money_name(name: str) -> bool:
    """``price``, ``totalAmount``, ``amountPaid`` yes; ``priceId``, ``taxRate`` no."""
    words = split_words(name)
    return bool(words) and (words[-1] in MONEY_WORDS or words[0] == "amount")


def is_state_name(name: str) -> bool:
    """``status``, ``paymentType``, ``role`` yes; ``contentType`` (open-ended) and ``statusCode`` no."""
    words = split_words(name)
    return bool(words) and words[-1] in STATE_WORDS and name not in OPEN_ENDED_NAMES


def is_id_name(name: str) -> bool:
    """``courseId``, ``deviceId``: a record id, which deserves an index like any foreign key."""
    words = split_words(name)
    return len(words) > 1 and words[-1] == "id"


def lower_first(word: str) -> str:
    return word[:1].lower() + word[1:]
