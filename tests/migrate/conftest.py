"""Fixtures for `migrate`: temporary monorepos, real SQLite, a real PostgreSQL server, MariaDB if present.

PostgreSQL: the local server at 127.0.0.1:5432 when it answers; otherwise a
throwaway cluster started with the installed initdb/pg_ctl on a free port
(skipped, with the reason, only where those binaries are absent). Database
names get a random prefix per test run and are dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PRISMA_CLI, REPO_ROOT

from azora_tasks.cli import main
from azora_tasks.migrate.engine import DBTOOL
from azora_tasks.toolchain.node_command import node_command
from tests.prerequisites import missing
from tests.servers import free_port, reachable

# Database names: RUN_PREFIX_<random>; AZORA_TEST_DB_PREFIX tells parallel runs on one server apart (e.g. i11azt).
RUN_PREFIX = f"{os.environ.get('AZORA_TEST_DB_PREFIX', 'azt')}{secrets.token_hex(3)}"

MANIFEST = """\
[settings]
provider = "{provider}"
prisma_cli = "{cli}"
concurrency = 2

[settings.database_urls]
{urls}

[categories.core]
title = "Core"
target = 3

{services}
"""


SCHEMA = """\
datasource db {
  provider = "%s"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../generated/client"
}

model User {
  id        String   @id @default(uuid())
  email     String   @unique
  createdAt DateTime @default(now())
}
"""


def schema_for(provider: str) -> str:
    """A small schema of our own (not the shared VALID_SCHEMA, which other tests may change)."""
    return SCHEMA % provider


def make_monorepo(root: Path, services: dict[str, str | None], *, provider: str = "sqlite", urls: str = "", schemas: dict[str, str] | None = None) -> Path:
    """A monorepo with `services` (name -> database_url or None) and a schema for each."""
    blocks = []
    for name, url in services.items():
        block = f'[services.{name}]\ncategory = "core"\n'
        if url:
            block += f'database_url = "{url}"\n'
        blocks.append(block)
    (root / "services.toml").write_text(MANIFEST.format(provider=provider, cli=PRISMA_CLI.as_posix(), urls=urls, services="\n".join(blocks)), encoding="utf-8")
    for name in services:
        path = root / "services" / name / "prisma" / "schema.prisma"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((schemas or {}).get(name, schema_for(provider)), encoding="utf-8")
    return root


class Run:
    def __init__(self, code: int, output: str, data: dict) -> None:
        self.code = code
        self.output = output
        self.data = data
        self.services = {entry["service"]: entry for entry in data["runs"][0]["services"]} if data else {}


@pytest.fixture
def migrate(capsys: pytest.CaptureFixture[str], prisma_cli: Path):  # type: ignore[no-untyped-def]
    """Run `azora-tasks migrate ...` in-process; returns exit code, printed text and the JSON results."""

    def run(root: Path, *args: str) -> Run:
        results = root / f"results-{secrets.token_hex(3)}.json"
        code = main(["migrate", *args, "--manifest", str(root / "services.toml"), "--json", str(results), "--no-color"])
        captured = capsys.readouterr()
        data = json.loads(results.read_text()) if results.is_file() else {}
        return Run(code, captured.out + captured.err, data)

    return run


def migrations(root: Path, service: str) -> list[str]:
    folder = root / "services" / service / "prisma" / "migrations"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def node_env(url: str) -> dict[str, str]:
    return {**os.environ, "AZORA_NODE_ROOT": str(REPO_ROOT), "AZORA_MIGRATE_DATABASE_URL": url}


def dbtool(url: str, *args: str) -> dict:
    out = subprocess.run(node_command(str(DBTOOL), *args, project=REPO_ROOT), env=node_env(url), capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])


def prisma_by_hand(service_dir: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`prisma <args> --config azora_tasks/toolchain/node/prisma.config.cjs`, as a person would run it in the service."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "AZORA_NODE_ROOT": str(REPO_ROOT),
        "CHECKPOINT_DISABLE": "1",
        "PRISMA_SCHEMA_ENGINE_BINARY": str(DBTOOL),
        "PRISMA_QUERY_ENGINE_LIBRARY": str(DBTOOL),
    }
    env.pop("AZORA_MIGRATE_DATABASE_URL", None)
    config = REPO_ROOT / "azora_tasks" / "toolchain" / "node" / "prisma.config.cjs"
    return subprocess.run(node_command(str(PRISMA_CLI), *args, "--config", str(config)), cwd=service_dir, env=env, capture_output=True, text=True, timeout=120)


# --- servers --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """`postgresql://postgres@host:port` of a server we may create databases on."""
    if reachable("127.0.0.1", 5432) and os.environ.get("AZORA_TEST_THROWAWAY_PG") != "1":
        yield "postgresql://postgres@127.0.0.1:5432"
        return
    with throwaway_postgres() as server:
        yield server


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL server of our own on a free port (initdb + pg_ctl), stopped and deleted afterwards."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = shutil.which("initdb") or (binaries[-1] if binaries else None)
    if not initdb:
        missing("no PostgreSQL at 127.0.0.1:5432 and no initdb/pg_ctl installed to start a throwaway server")
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    data = Path(tempfile.mkdtemp(prefix="azora-pg-"))
    port = free_port()
    user_args = {}
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: hand the cluster to `postgres` if it exists
        import pwd

        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root without a `postgres` user: cannot start a throwaway PostgreSQL server")
        os.chown(data, entry.pw_uid, entry.pw_gid)
        user_args = {"user": entry.pw_uid, "group": entry.pw_gid}
    subprocess.run([initdb, "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8"], check=True, capture_output=True, **user_args)
    subprocess.run(
        [pg_ctl, "-D", str(data / "db"), "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "-l", str(data / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        **user_args,
    )
    try:
        deadline = time.monotonic() + 20
        while not reachable("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.2)
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([pg_ctl, "-D", str(data / "db"), "-m", "immediate", "stop"], capture_output=True, **user_args)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_server: str) -> Iterator[str]:
    """A fresh database name on the server (random prefix per run), dropped afterwards with its shadows."""
    name = f"{RUN_PREFIX}_{secrets.token_hex(3)}"
    yield name
    dbtool(f"{postgres_server}/{name}", "drop")


def pg_databases(server: str) -> set[str]:
    out = subprocess.run(
        [
            "node",
            "-e",
            "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]});"
            "c.connect().then(()=>c.query('SELECT datname FROM pg_database')).then(r=>{console.log(JSON.stringify(r.rows.map(x=>x.datname)));return c.end()})",
            f"{server}/postgres",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return set(json.loads(out.stdout))


def pg_query(server: str, database: str, sql: str) -> list:
    out = subprocess.run(
        [
            "node",
            "-e",
            "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]});"
            "c.connect().then(()=>c.query(process.argv[2])).then(r=>{console.log(JSON.stringify(r.rows||[]));return c.end()})",
            f"{server}/{database}",
            sql,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(out.stdout)
