"""One policy for a test whose prerequisite (node, the Prisma CLI, a database server) is missing.

With `CI` set the README's test command has installed everything, so a missing
prerequisite is a broken setup and the test FAILS (`python -m pytest -rs` in CI
shows 0 skipped). On a developer machine it is skipped, with the reason.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    """Fail under CI, skip elsewhere; `reason` says what is missing and how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing prerequisite fails, it never skips)", pytrace=False)
    pytest.skip(reason)
