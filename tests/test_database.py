"""azora_tasks/database.py: the one scheme→provider map, SQLite URL forms, what Node is told, and masking of what it says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from azora_tasks.database import FILE_VARIABLE, PROVIDER_VARIABLE, URL_VARIABLE, Target, anchor_sqlite, canonical_provider, provider_of_url, sqlite_path
from azora_tasks.paths import NODE_DIR
from azora_tasks.toolchain.worker import masked_messages

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_one_provider_map_for_datasources_and_url_schemes() -> None:
    assert [canonical_provider(name) for name in ("postgres", "PostgreSQL", "cockroachdb", "mariadb", "file", "sqlserver", None)] == [
        "postgresql",
        "postgresql",
        "postgresql",
        "mysql",
        "sqlite",
        "sqlserver",
        None,
    ]
    assert provider_of_url("postgres://u@h/db") == "postgresql" and provider_of_url("mariadb://h/db") == "mysql"
    assert provider_of_url("redis://h") is None and provider_of_url("no scheme") is None


def test_sqlite_forms(tmp_path: Path) -> None:
    assert sqlite_path("file:./a/../b.db?connection_limit=1", tmp_path) == tmp_path / "b.db"
    assert sqlite_path("sqlite:///abs/x.db") == Path("/abs/x.db")
    assert anchor_sqlite("file:dev.db?mode=rwc", tmp_path) == f"file:{tmp_path / 'dev.db'}?mode=rwc"
    assert anchor_sqlite("postgresql://h/db", tmp_path) == "postgresql://h/db"


def test_node_env_says_provider_url_and_file() -> None:
    sqlite = Target("sqlite", "file:/srv/data/a.db?x=1", "test").node_env()
    assert sqlite == {PROVIDER_VARIABLE: "sqlite", URL_VARIABLE: "file:/srv/data/a.db?x=1", FILE_VARIABLE: "/srv/data/a.db"}
    assert Target("postgresql", "postgresql://u:pw@h/db", "test").node_env() == {PROVIDER_VARIABLE: "postgresql", URL_VARIABLE: "postgresql://u:pw@h/db"}


def test_worker_answers_are_masked_at_any_depth() -> None:
    answer = {
        "ok": False,
        "message": "connect postgresql://app:Sup3r@h/db failed",
        "results": [{"ok": False, "error": "mysql://root:Sup3r@h/x?password=Sup3r"}],
        "sql": "-- postgresql://keep:this@h/db",
    }
    masked = masked_messages(answer)
    assert "Sup3r" not in json.dumps({key: value for key, value in masked.items() if key != "sql"})
    assert masked["sql"] == answer["sql"]  # only message fields: SQL is never rewritten


def test_the_prisma_config_by_hand_asks_python_for_the_target(tmp_path: Path) -> None:
    """With only DATABASE_URL set (a person running Prisma with the tool's config), node/runtime.cjs gets
    the provider and the anchored SQLite file from `python -m azora_tasks.database`, not from its own parsing."""
    schema = tmp_path / "prisma" / "schema.prisma"
    schema.parent.mkdir()
    script = f"process.stdout.write(JSON.stringify(require({json.dumps(str(NODE_DIR / 'runtime.cjs'))}).databaseTarget()))"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AZORA_")}
    env.update({"DATABASE_URL": "file:./dev.db", "AZORA_PYTHON": sys.executable, "PYTHONPATH": str(REPO_ROOT)})
    run = subprocess.run(["node", "-e", script, "--", "--schema", str(schema)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"provider": "sqlite", "url": f"file:{schema.parent / 'dev.db'}", "file": str(schema.parent / "dev.db")}
