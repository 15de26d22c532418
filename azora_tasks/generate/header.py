"""The marker that tells a generated schema from one a person has touched.

A generated file starts with one comment line carrying the sha256 of the rest
of the file. If the hash still matches, nobody has edited the file since it was
generated, so a re-run may replace it (e.g. after the manifest changed). If it
does not match -- or there is no marker at all -- a person owns the file and
`generate` leaves it alone unless told `--force` (which keeps a backup).
"""

from __future__ import annotations

import enum
import hashlib
import re

HEADER_PREFIX = "// azora-tasks: generated"
_HEADER = re.compile(r"^// azora-tasks: generated, sha256=([0-9a-f]{64});[^\n]*\n")


class Ownership(str, enum.Enum):
    GENERATED = "generated"  # marker present and the body is untouched
    HAND_EDITED = "hand-edited"  # marker present, body changed since
    HAND_WRITTEN = "hand-written"  # no marker: written (or re-formatted away) by a person


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def header_line(body: str) -> str:
    return f"{HEADER_PREFIX}, sha256={digest(body)}; edit freely, generate will then leave it alone\n"


def with_header(body: str) -> str:
    """The full file text: marker line plus body."""
    return header_line(body) + body


def ownership(text: str) -> Ownership:
    match = _HEADER.match(text)
    if not match:
        return Ownership.HAND_WRITTEN
    body = text[match.end() :]
    return Ownership.GENERATED if digest(body) == match.group(1) else Ownership.HAND_EDITED
