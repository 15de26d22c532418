"""`validate` against the real, pinned Prisma CLI, through the console script and through real nox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from azora_tasks.cli import main
from tests.conftest import INVALID_SCHEMA, REPO_ROOT, VALID_SCHEMA, write_schema

pytestmark = pytest.mark.prisma

POSTGRES_SCHEMA = VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "postgresql"')
MYSQL_SCHEMA = VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "mysql"')


def _hoisted_install(root: Path) -> None:
    """node_modules at the tree's root, as in a real monorepo: validate's default engine is then the batch path
    (one Node worker per run). Without it (test_valid_invalid_and_missing) the default is one Prisma CLI per service."""
    (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")


def _results(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text())
    return {entry["service"]: entry["status"] for entry in data["runs"][0]["services"]}


def test_valid_invalid_and_missing(monorepo: Path, prisma_cli: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No node_modules in the tree: the CLI path (one `prisma validate` per service) with its messages.
    (A valid SQLite schema on the CLI path: tests/test_faults.py::test_a_non_utf8_schema_fails_only_its_service.)"""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    write_schema(monorepo, "user-service", POSTGRES_SCHEMA)  # needs a postgresql:// DATABASE_URL from the template
    write_schema(monorepo, "course-service", INVALID_SCHEMA)
    # search-service has no schema at all
    results = monorepo / "out" / "validate.json"
    code = main(["validate", "user-service", "course-service", "search-service", "--manifest", str(monorepo / "services.toml"), "--json", str(results)])
    output = capsys.readouterr().out
    assert code == 1
    assert _results(results) == {"course-service": "failed", "search-service": "missing", "user-service": "ok"}
    assert 'Type "Strin" is neither a built-in type' in output
    assert "no schema at services/search-service/prisma/schema.prisma" in output
    assert "1 failed, 1 missing, 1 ok" in output


def test_all_valid_exits_zero_for_every_provider(monorepo: Path, prisma_cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _hoisted_install(monorepo)
    for service, schema in (("auth", VALID_SCHEMA), ("user-service", POSTGRES_SCHEMA), ("course-service", MYSQL_SCHEMA), ("search-service", VALID_SCHEMA)):
        write_schema(monorepo, service, schema)
    assert main(["validate", "--manifest", str(monorepo / "services.toml"), "-j", "2"]) == 0


def test_selection_applies_to_validate(monorepo: Path, prisma_cli: Path) -> None:
    _hoisted_install(monorepo)
    write_schema(monorepo, "auth", VALID_SCHEMA)
    write_schema(monorepo, "course-service", INVALID_SCHEMA)
    results = monorepo / "r.json"
    assert main(["validate", "--manifest", str(monorepo / "services.toml"), "--phase", "1", "auth", "--json", str(results)]) == 0
    assert _results(results) == {"auth": "ok"}


def test_unsupported_prisma_major_is_refused(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = monorepo / "node_modules" / "prisma"
    (fake / "build").mkdir(parents=True)
    (fake / "build" / "index.js").write_text("process.exit(0)\n")
    (fake / "package.json").write_text(json.dumps({"name": "prisma", "version": "8.0.0-rc.1"}))
    text = (monorepo / "services.toml").read_text()
    import re

    (monorepo / "services.toml").write_text(re.sub(r'prisma_cli = ".*"', 'prisma_cli = "node_modules/prisma/build/index.js"', text))
    write_schema(monorepo, "auth")
    assert main(["validate", "--manifest", str(monorepo / "services.toml")]) == 2
    output = capsys.readouterr().out
    assert "Prisma 8.0.0-rc.1" in output and "not supported" in output and "fix:" in output


def test_missing_cli_says_run_npm_ci(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (monorepo / "services.toml").read_text()
    import re

    (monorepo / "services.toml").write_text(re.sub(r'prisma_cli = ".*"', 'prisma_cli = "nowhere/index.js"', text))
    assert main(["validate", "--manifest", str(monorepo / "services.toml")]) == 2
    assert "npm ci" in capsys.readouterr().out


NOXFILE = """\
import azora_tasks
azora_tasks.register_sessions(manifest="services.toml")
"""


def _nox(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "nox", *args], cwd=root, capture_output=True, text=True, env=env, timeout=300)


def test_real_nox_lists_and_runs_validate(monorepo: Path, prisma_cli: Path) -> None:
    (monorepo / "noxfile.py").write_text(NOXFILE)
    _hoisted_install(monorepo)
    listed = _nox(monorepo, "-l")
    assert listed.returncode == 0, listed.stderr
    assert "validate" in listed.stdout and "discover" in listed.stdout

    for service in ("auth", "user-service", "course-service"):
        write_schema(monorepo, service)
    write_schema(monorepo, "search-service", INVALID_SCHEMA)
    failing = _nox(monorepo, "-s", "validate")
    assert failing.returncode == 1
    assert "search-service" in failing.stdout and "1 failed, 3 ok" in failing.stdout

    passing = _nox(monorepo, "-s", "validate", "--", "--phase", "1", "--shard", "1/1")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "2 ok" in passing.stdout
