"""Where the tool's own files live (templates), in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# A source checkout or editable install keeps templates/ next to the package; a wheel ships them
# inside it (pyproject maps templates/ to azora_tasks/templates).
TEMPLATES_DIR = next(
    (candidate for candidate in (_PACKAGE.parent / "templates", _PACKAGE / "templates") if candidate.is_dir()),
    _PACKAGE.parent / "templates",
)
