"""MySQL/MariaDB end to end against a real server: what works offline (validate, lint, clients, a
generated client querying the server) and the clear error `migrate` gives.

The schemas are hand-written ("foreign"): `cuid()` ids, no timestamps, copy-pasted models, no client
`output` in the schema, one literal URL. Each run creates its own databases (`azt_i17_<random>_...`)
and drops them afterwards, so it can share the server with other runs.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from azora_tasks.cli import main
from tests.conftest import PRISMA_CLI, REPO_ROOT
from tests.foreign_monorepo import foreign_schema

pytestmark = pytest.mark.prisma

MANIFEST = """\
[settings]
provider = "mysql"
prisma_cli = "{cli}"

[settings.database_urls]
mysql = "{server}/{prefix}_{{service}}"

[settings.clients]
output = "../generated/client"
engine_type = "client"

[categories.core]
title = "Core"
target = 2

[services.ledger]
category = "core"

[services.billing]
category = "core"
"""

SQL = r"""
const mariadb = require("mariadb");
const [url, ...statements] = process.argv.slice(1);
(async () => {
  const { hostname, port, username } = new URL(url);
  const connection = await mariadb.createConnection({ host: hostname, port: Number(port || 3306), user: decodeURIComponent(username) });
  for (const statement of statements) await connection.query(statement);
  await connection.end();
})().catch((error) => { console.error(error.message); process.exit(1); });
"""

QUERY = r"""
const [clientDir, url] = process.argv.slice(1);
const { PrismaClient } = require(clientDir);
const { PrismaMariaDb } = require("@prisma/adapter-mariadb");
(async () => {
  const { hostname, port, username, pathname } = new URL(url);
  const options = { host: hostname, port: Number(port || 3306), user: decodeURIComponent(username), database: pathname.slice(1) };
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb(options) });
  const [row] = await prisma.$queryRawUnsafe("SELECT DATABASE() AS db, VERSION() AS version");
  console.log(JSON.stringify(row));
  await prisma.$disconnect();
})().catch((error) => { console.error(error); process.exit(1); });
"""


def _node(script: str, *args: str, cwd: Path) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRISMA_")}  # no engine placeholders
    completed = subprocess.run(["node", "-e", script, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture
def mysql_repo(tmp_path: Path, prisma_cli: Path, mariadb_server: str) -> Iterator[tuple[Path, str, dict[str, str]]]:
    prefix = f"azt_i17_{secrets.token_hex(3)}"
    urls = {"ledger": f"{mariadb_server}/{prefix}_ledger", "billing": f"{mariadb_server}/{prefix}_billing"}
    (tmp_path / "services.toml").write_text(MANIFEST.format(cli=PRISMA_CLI.as_posix(), server=mariadb_server, prefix=prefix), encoding="utf-8")
    for name in urls:
        schema = tmp_path / "services" / name / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True)
        text = foreign_schema(name, "mysql")
        if name == "billing":  # a literal URL in the schema, as hand-written schemas often have
            text = text.replace('env("DATABASE_URL")', f'"{urls[name]}"')
        schema.write_text(text, encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    _node(SQL, mariadb_server, *(f"CREATE DATABASE `{url.rsplit('/', 1)[1]}`" for url in urls.values()), cwd=REPO_ROOT)
    try:
        yield tmp_path, mariadb_server, urls
    finally:
        _node(SQL, mariadb_server, *(f"DROP DATABASE IF EXISTS `{url.rsplit('/', 1)[1]}`" for url in urls.values()), cwd=REPO_ROOT)


def _run(root: Path, *args: str) -> tuple[int, dict[str, dict]]:
    results = root / f"results-{secrets.token_hex(3)}.json"
    code = main([*args, "--manifest", str(root / "services.toml"), "--json", str(results), "--no-color"])
    return code, {entry["service"]: entry for entry in json.loads(results.read_text())["runs"][0]["services"]}


def test_validate_lint_and_clients_on_mariadb_then_the_client_queries_the_server(mysql_repo: tuple[Path, str, dict[str, str]]) -> None:
    root, _, urls = mysql_repo
    code, services = _run(root, "validate")
    assert code in (0, 1), services
    for name in urls:
        assert services[name]["details"]["prisma"] == "valid", services[name]
        lint = services[name]["details"]["lint"]
        assert lint["items"], (name, lint)  # no timestamps, cuid ids: the checklist has findings on these schemas

    code, services = _run(root, "clients")
    assert code == 0, services
    for name, url in urls.items():
        client = root / "services" / name / "generated" / "client"
        assert (client / "index.js").is_file(), name
        row = json.loads(_node(QUERY, str(client), url, cwd=root).strip().splitlines()[-1])
        assert row["db"] == url.rsplit("/", 1)[1]  # the generated client really talked to this server's database
        assert "MariaDB" in row["version"], row


TABLES = r"""
const mariadb = require("mariadb");
const [url] = process.argv.slice(1);
(async () => {
  const { hostname, port, username, pathname } = new URL(url);
  const connection = await mariadb.createConnection({ host: hostname, port: Number(port || 3306), user: decodeURIComponent(username) });
  const rows = await connection.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?", [pathname.slice(1)]);
  console.log(JSON.stringify(rows.map((row) => row.name)));
  await connection.end();
})().catch((error) => { console.error(error.message); process.exit(1); });
"""


def test_migrate_on_mariadb_fails_clearly_and_touches_nothing(mysql_repo: tuple[Path, str, dict[str, str]]) -> None:
    """Offline, Prisma 6.19 has no MySQL schema engine: each service fails with the reason and the fix,
    no migration folder is written and the databases on the server stay empty."""
    from azora_tasks.manifest import load_manifest
    from azora_tasks.migrate.engine import Engine
    from azora_tasks.process import ProcessGroup
    from azora_tasks.toolchain.prisma_cli import find_prisma

    root, _, urls = mysql_repo
    manifest = load_manifest(root / "services.toml")
    if Engine(manifest, find_prisma(manifest), ProcessGroup()).native_schema_engine() is not None:
        pytest.fail("a native schema engine is installed here: this test covers the offline install (`npm ci` without engines)")
    code, services = _run(root, "migrate")
    assert code == 1
    for name, url in urls.items():
        summary = services[name]["summary"]
        assert services[name]["status"] == "failed", services[name]
        assert "no MySQL/MariaDB connector" in summary and "PRISMA_SCHEMA_ENGINE_BINARY" in summary, summary
        assert not (root / "services" / name / "prisma" / "migrations").exists(), name
        assert json.loads(_node(TABLES, url, cwd=REPO_ROOT).strip()) == [], name  # the database exists on the server and is still empty
