"""Prisma's own SQL for this repository's 53 services raises no error-severity migration-lint finding (no finding at all).

The services' schemas are the repository's (9 hand-kept, 44 written by
`generate`); the SQL is what Prisma's schema engine writes for them: on SQLite
by `migrate` itself (their `init` migrations), on PostgreSQL by the schema
engine `migrate` runs in its worker (`migrate diff --from-empty` in one Node
process for all 53), with two of them also diffed by the Prisma CLI, through
the same engine driver the tool uses, against one scratch database that is
dropped afterwards: the CLI must write the very same SQL.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.database import Target
from azora_tasks.manifest import load_manifest
from azora_tasks.migrate.engine import Engine
from azora_tasks.migrate_lint import lint_folder, lint_sql
from azora_tasks.process import ProcessGroup
from azora_tasks.rulebook.findings import Severity
from azora_tasks.toolchain.migrate_worker import MigrateWorker
from azora_tasks.toolchain.prisma_cli import find_prisma
from tests.conftest import PRISMA_CLI, REPO_ROOT
from tests.migrate.conftest import RUN_PREFIX, dbtool

pytestmark = [pytest.mark.prisma, pytest.mark.xdist_group("repo-tree-53")]  # one worker clones and generates `repo_tree`


@pytest.fixture(scope="module")
def repo_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository with all 53 schemas (the committed 9 plus `generate`'s 44)."""
    clone = tmp_path_factory.mktemp("repo") / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    shutil.copy(REPO_ROOT / "services.toml", clone / "services.toml")  # this worktree's manifest, committed or not
    (clone / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    assert main(["generate", "--manifest", str(clone / "services.toml"), "--no-color"]) == 0
    manifest = load_manifest(clone / "services.toml")
    assert sum(manifest.schema_file(service).is_file() for service in manifest.services.values()) == 53
    return clone


def _errors(result):  # type: ignore[no-untyped-def]
    return [f for f in result.findings if f.severity is Severity.ERROR]


def test_sqlite_init_migrations_of_all_53_services_lint_without_errors(repo_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest_path = str(repo_tree / "services.toml")
    assert main(["migrate", "--manifest", manifest_path, "--no-color"]) == 0
    manifest = load_manifest(repo_tree / "services.toml")
    linted = 0
    for service in manifest.services.values():
        schema = manifest.schema_file(service)
        if not schema.is_file():
            continue
        result, names = lint_folder(schema.parent / "migrations")
        assert names and result.findings == [], (service.name, result.findings)  # not even a warning on an init
        linted += len(names)
    assert linted == 53
    capsys.readouterr()
    assert main(["migrate", "--lint", "--manifest", manifest_path, "--no-color", "--no-cache"]) == 0, capsys.readouterr().out


def test_postgres_sql_of_all_53_services_lints_without_errors(repo_tree: Path, postgres_server: str) -> None:
    manifest = load_manifest(repo_tree / "services.toml")
    schemas = []
    for service in manifest.services.values():
        schema = manifest.schema_file(service)
        if schema.is_file():
            copy = repo_tree / "pg" / service.name / "prisma" / "schema.prisma"
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(schema.read_text().replace('provider = "sqlite"', 'provider = "postgresql"'))
            schemas.append((service.name, copy))
    assert len(schemas) == 53
    engine = Engine(manifest, find_prisma(manifest), ProcessGroup())
    name = f"{RUN_PREFIX}_prisma_sql"  # unique per run and xdist worker: parallel runs share the server
    scratch = Target("postgresql", f"{postgres_server}/{name}", "test")
    env = engine.env(scratch, "", f"{name}_shadow")
    try:
        assert engine.ensure_database(scratch, schemas[0][1], env)[0].ok
        with MigrateWorker(repo_tree, PRISMA_CLI) as worker:
            sql = {name: worker.diff("postgresql", [(str(copy), copy.read_text())], url=scratch.url) for name, copy in schemas}
        for name, copy in (schemas[0], schemas[-1]):  # spot checks: the Prisma CLI writes what the worker wrote
            diff = engine.diff(scratch, copy, env, None)
            assert diff.result.ok and diff.sql == sql[name], (name, diff.result.output[-500:])
    finally:
        dbtool(scratch.url, "drop")
    for name, script in sql.items():
        assert "CREATE TABLE" in script, (name, script[-500:])
        result = lint_sql(script, f"{name}/migration.sql", provider="postgresql")
        assert _errors(result) == [] and result.findings == [], (name, result.findings)
