"""From a wheel in a fresh venv to working clients, in a monorepo that has nothing yet.

This is the path a new user takes: `pip install azora-tasks`, `azora-tasks
manifest init`, `azora-tasks node init` (the one documented command for the
Node side: pinned devDependencies in the monorepo's package.json + `npm
install` from the npm registry), then validate, migrate and clients -- and a
generated client that creates and reads a row. Nothing here uses this
checkout's node_modules or its editable install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.foreign_monorepo import foreign_schema
from tests.migrate.test_client_runs import ROW_SCRIPT

pytestmark = [pytest.mark.prisma, pytest.mark.xdist_group("wheel")]  # one worker builds the shared wheel venv, the others go on


@pytest.fixture
def installed(wheel_venv: Path) -> Path:
    """The `azora-tasks` script of the shared wheel venv (tests/conftest.py); the Node side needs npm."""
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: the Node side cannot be set up")
    return wheel_venv / "azora-tasks"


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith("PRISMA_")}


def _run(script: Path, root: Path, *args: str, code: int = 0) -> str:
    completed = subprocess.run([str(script), *args, "--no-color"], cwd=root, env=_clean_env(), capture_output=True, text=True, timeout=900, check=False)
    assert completed.returncode == code, f"{args}: exit {completed.returncode}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    return completed.stdout


def test_wheel_node_init_validate_migrate_clients_in_an_empty_monorepo(installed: Path, tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    for name in ("ledger", "notes"):
        schema = root / "services" / name / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True)
        schema.write_text(foreign_schema(name, "sqlite"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)

    _run(installed, root, "manifest", "init")
    out = _run(installed, root, "validate", code=2)  # before the Node side exists: a clear error with the one command
    assert "Prisma CLI not found" in out and "azora-tasks node init" in out

    out = _run(installed, root, "node", "init")
    assert "add prisma@6.19.3" in out and "Node side ready" in out
    package = json.loads((root / "package.json").read_text())
    assert package["devDependencies"]["@prisma/client"] == "6.19.3" and (root / "package-lock.json").is_file()
    doctor = _run(installed, root, "doctor", "--json", str(tmp_path / "doctor.json"))
    assert "every task has what it needs" in doctor
    checks = {c["component"]: c for c in json.loads((tmp_path / "doctor.json").read_text())["checks"]}
    assert checks["@prisma/client"]["version"] == checks["prisma (CLI)"]["version"] == "6.19.3"
    assert checks["@prisma/adapter-libsql"]["status"] == "ok"

    _run(installed, root, "validate", "--no-lint", "--json", str(tmp_path / "validate.json"))
    verdicts = {e["service"]: e["details"]["prisma"] for e in json.loads((tmp_path / "validate.json").read_text())["runs"][0]["services"]}
    assert verdicts == {"ledger": "valid", "notes": "valid"}
    _run(installed, root, "migrate")
    assert list((root / "services" / "ledger" / "prisma" / "migrations").glob("*_init/migration.sql"))
    _run(installed, root, "clients")

    script = root / "row.cjs"
    script.write_text(ROW_SCRIPT)
    database = root / "services" / "ledger" / "prisma" / "ledger.db"
    completed = subprocess.run(
        ["node", str(script), str(root / "services" / "ledger" / "generated" / "client"), f"file:{database}", "sqlite"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1])["read"]["value"] == "hello from sqlite"


def test_node_init_refuses_a_different_prisma_client_pin(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{\n    "name": "apps",\n    "dependencies": {"@prisma/client": "5.22.0", "react": "18.3.1"}\n}\n')
    out = _run(installed, tmp_path, "node", "init", "--no-install", code=2)
    assert "@prisma/client: package.json has '5.22.0' (dependencies), azora-tasks needs '6.19.3'" in out and "--force" in out
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"]["@prisma/client"] == "5.22.0"  # untouched
    _run(installed, tmp_path, "node", "init", "--no-install", "--force")
    text = (tmp_path / "package.json").read_text()
    data = json.loads(text)
    assert data["dependencies"] == {"@prisma/client": "6.19.3", "react": "18.3.1"} and data["devDependencies"]["prisma"] == "6.19.3"
    assert text.startswith('{\n    "name"')  # the file's own indentation is kept
