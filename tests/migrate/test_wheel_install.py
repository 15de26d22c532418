"""Installed like users install it: a wheel in a fresh venv, the monorepo's own node_modules in its root.

Nothing of this checkout is on the path: the venv has only the wheel and its
dependencies, the Node workers run from the venv's site-packages, and every
npm package (prisma, pg, the adapters) must be found from the monorepo root.
PostgreSQL is migrated twice (fresh, then a second migration) through the
worker, then once more through the Prisma CLI path (`--engine prisma`), which
needs the `"char"` fix on the copy of `pg` that @prisma/adapter-pg loads.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from .conftest import migrations, pg_query

pytestmark = [pytest.mark.prisma, pytest.mark.xdist_group("wheel")]  # one worker builds the shared wheel venv, the others go on

MANIFEST = """\
[settings]
provider = "postgresql"
prisma_cli = "node_modules/prisma/build/index.js"

[settings.database_urls]
postgresql = "{server}/{database}_{{service}}"

[categories.core]
title = "Core"
target = 1

[services.orders]
category = "core"
"""

SCHEMA = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model Order {
  id    String @id @default(cuid())
  total Int
}
"""


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_wheel_in_a_fresh_venv_migrates_postgres_twice(wheel_venv: Path, tmp_path: Path, postgres_server: str, pg_database: str) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "AZORA_NODE_ROOT")}
    show = "import azora_tasks, importlib.metadata as m; print(azora_tasks.__file__); print(' '.join(sorted(d.metadata['Name'].lower() for d in m.distributions())))"
    where = _run([str(wheel_venv / "python"), "-c", show], tmp_path, env)
    assert str(wheel_venv.parent) in where.stdout, where.stdout  # the wheel, not this checkout
    installed = set(where.stdout.split())
    assert {"azora-tasks", "nox", "jinja2"} <= installed and not {"pip", "setuptools"} & installed, installed  # nothing that could hide a missing dependency

    root = tmp_path / "monorepo"
    (root / "services" / "orders" / "prisma").mkdir(parents=True)
    (root / "services.toml").write_text(MANIFEST.format(server=postgres_server, database=pg_database))
    schema = root / "services" / "orders" / "prisma" / "schema.prisma"
    schema.write_text(SCHEMA)
    (root / "node_modules").symlink_to((REPO_ROOT / "node_modules").resolve(), target_is_directory=True)
    database = f"{pg_database}_orders"

    def migrate(*args: str) -> dict:
        out = root / "results.json"
        done = _run([str(wheel_venv / "azora-tasks"), "migrate", *args, "--json", str(out), "--no-color"], root, env)
        assert out.is_file(), done.stdout + done.stderr
        entry = json.loads(out.read_text())["runs"][0]["services"][0]
        assert done.returncode == 0, entry
        return entry

    try:
        first = migrate()
        assert first["details"]["fast_path"] == "worker" and first["summary"].endswith("_init, applied 1")

        schema.write_text(SCHEMA.replace("  total Int\n", "  total Int\n  note  String?\n"))
        second = migrate("--name", "note")
        assert second["summary"].endswith("_note, applied 1"), second

        schema.write_text(SCHEMA.replace("  total Int\n", "  total Int\n  note  String?\n  paid  Boolean @default(false)\n"))
        third = migrate("--engine", "prisma", "--name", "paid")  # the Prisma CLI with the package's own config
        assert third["summary"].endswith("_paid, applied 1"), third

        assert migrate("--status")["summary"] == "up to date (3 applied)"
        names = [
            row["migration_name"]
            for row in pg_query(postgres_server, database, "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1")
        ]
        assert names == migrations(root, "orders")
    finally:
        from .conftest import dbtool

        dbtool(f"{postgres_server}/{database}", "drop")
