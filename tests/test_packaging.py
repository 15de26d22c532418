"""The built wheel carries what an installed azora-tasks needs at run time (templates, Node workers)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.xdist_group("wheel")  # with the other users of the shared wheel (tests/conftest.py)
def test_wheel_ships_templates_and_node_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"azora_tasks/templates/{path.relative_to(REPO_ROOT / 'azora_tasks' / 'templates').as_posix()}"
        for path in (REPO_ROOT / "azora_tasks" / "templates").rglob("*")
        if path.is_file()
    }
    expected |= {f"azora_tasks/toolchain/node/{path.name}" for path in (REPO_ROOT / "azora_tasks" / "toolchain" / "node").glob("*.cjs")}
    expected |= {
        f"azora_tasks/toolchain/node/sql/{path.name}" for path in (REPO_ROOT / "azora_tasks" / "toolchain" / "node" / "sql").glob("*.sql")
    }  # the DDL both sides read
    assert any(name.endswith("prisma_migrations.sqlite.sql") for name in expected)
    assert expected and expected <= names, sorted(expected - names)
    assert "azora_tasks/templates/schema.prisma.j2" in names and "azora_tasks/toolchain/node/schema_worker.cjs" in names


def test_npx_prisma_stays_on_the_pinned_prisma_6() -> None:
    """package.json also pins Prisma 7 as the alias `prisma7`, whose bin is also `prisma`; the postinstall script
    must leave `npx prisma` (the seed's loops, people's habits) on 6.19.3, which this repo's schemas are written for."""
    bin_link = REPO_ROOT / "node_modules" / ".bin" / "prisma"
    assert bin_link.exists(), "run `npm ci` first"
    package = json.loads((bin_link.resolve().parents[1] / "package.json").read_text())
    assert (package["name"], package["version"]) == ("prisma", "6.19.3")
