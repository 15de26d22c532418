"""Where the tool's own files live, in a source checkout and in an installed wheel alike.

The templates are package data (`azora_tasks/templates/`, shown at the top of the
repository as the `templates` link), so a monorepo that installs azora-tasks from
a wheel gets them too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
NODE_DIR = PACKAGE_DIR / "toolchain" / "node"


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """The Jinja2 environment for the tool's templates (generated schemas, the progress page).

    Text, not HTML (no autoescape); block tags leave no blank lines; a missing variable is
    an error rather than an empty string, so a template cannot silently drop a fact.
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
