"""Where the tool's own files live, in a source checkout and in an installed wheel alike.

The templates are package data (`azora_tasks/templates/`, shown at the top of the
repository as the `templates` link), so a monorepo that installs azora-tasks from
a wheel gets them too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
NODE_DIR = PACKAGE_DIR / "toolchain" / "node"
