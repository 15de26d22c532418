"""A generated client creates and reads a row, offline, on a database `migrate` created (SQLite, PostgreSQL).

The code in the Node script is the code docs/clients.md shows: `engineType =
"client"` (here from `[settings.clients]`, the schema does not say it) and a
driver adapter passed to `PrismaClient`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from azora_tasks.cli import main
from tests.foreign_monorepo import foreign_schema
from tests.migrate.conftest import make_monorepo

pytestmark = pytest.mark.prisma

CLIENTS = '\n[settings.clients]\noutput = "../generated/client"\nengine_type = "client"\n'

ROW_SCRIPT = r"""
const [clientDir, url, provider] = process.argv.slice(2);
const { PrismaClient } = require(clientDir);
let adapter;
if (provider === "sqlite") {
  const { PrismaLibSql } = require("@prisma/adapter-libsql");
  adapter = new PrismaLibSql({ url });
} else {
  const { PrismaPg } = require("@prisma/adapter-pg");
  adapter = new PrismaPg({ connectionString: url });
}
(async () => {
  const prisma = new PrismaClient({ adapter });
  const made = await prisma.setting.create({ data: { key: "greeting", value: "hello from " + provider } });
  const read = await prisma.setting.findUnique({ where: { key: "greeting" } });
  console.log(JSON.stringify({ made, read, count: await prisma.setting.count() }));
  await prisma.$disconnect();
})().catch((error) => { console.error(error); process.exit(1); });
"""


def _create_and_read(root: Path, service: str, url: str, provider: str) -> dict:
    script = root / "row.cjs"
    script.write_text(ROW_SCRIPT)
    client = root / "services" / service / "generated" / "client"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRISMA_")}  # no engine placeholders
    completed = subprocess.run(["node", str(script), str(client), url, provider], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _migrate_and_generate(root: Path) -> None:
    (root / "services.toml").write_text((root / "services.toml").read_text().replace("\n[categories.core]", CLIENTS + "\n[categories.core]"))
    (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    manifest = str(root / "services.toml")
    assert main(["migrate", "--manifest", manifest, "--no-color"]) == 0
    assert main(["clients", "--manifest", manifest, "--no-color"]) == 0


def test_sqlite_client_creates_and_reads_a_row(tmp_path: Path, prisma_cli: Path) -> None:
    make_monorepo(tmp_path, {"ledger": None}, provider="sqlite", schemas={"ledger": foreign_schema("ledger", "sqlite")})
    _migrate_and_generate(tmp_path)
    database = tmp_path / "services" / "ledger" / "prisma" / "ledger.db"  # the default URL is relative to the schema
    assert database.is_file()
    row = _create_and_read(tmp_path, "ledger", f"file:{database}", "sqlite")
    assert row["read"] == row["made"] and row["read"]["value"] == "hello from sqlite" and row["count"] == 1
    assert row["read"]["id"].startswith("c")  # cuid()


def test_postgresql_client_creates_and_reads_a_row(tmp_path: Path, prisma_cli: Path, postgres_server: str, pg_database: str) -> None:
    url = f"{postgres_server}/{pg_database}"
    schema = foreign_schema("ledger", "postgresql")
    make_monorepo(tmp_path, {"ledger": url}, provider="postgresql", schemas={"ledger": schema})
    _migrate_and_generate(tmp_path)
    row = _create_and_read(tmp_path, "ledger", url, "pg")
    assert row["read"] == row["made"] and row["read"]["value"] == "hello from pg" and row["count"] == 1
