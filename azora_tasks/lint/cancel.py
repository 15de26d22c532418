"""Cooperative cancellation: Ctrl-C must stop a lint that is still running.

The lint runs in the runner's worker threads, which Python cannot interrupt;
the runner sets an event on Ctrl-C (``ProcessGroup.cancelled``) and the lexer,
the parser and the rules look at it often enough (every few thousand tokens,
every block, every model a rule visits) that a lint of a 5 MB schema stops
within a fraction of a second.
"""

from __future__ import annotations

from typing import Protocol


class Cancel(Protocol):
    """Anything with ``is_set()``: a ``threading.Event`` in practice."""

    def is_set(self) -> bool: ...


class LintCancelled(Exception):
    """The run was interrupted while this schema was being linted."""


def check_cancelled(cancel: Cancel | None) -> None:
    """Raise :class:`LintCancelled` when the run was interrupted."""
    if cancel is not None and cancel.is_set():
        raise LintCancelled("lint interrupted")
