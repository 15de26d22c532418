"""One answer to "which files make up this service's schema", wherever the repository lives.

The old walks checked `"migrations" in path.parts` on the absolute path, so a repository
checked out under any folder named `migrations` lost every file of a multi-file schema.
"""

from __future__ import annotations

import json
from pathlib import Path

from azora_tasks.cache import schema_files
from azora_tasks.cli import main
from azora_tasks.lint.engine import lint_files
from azora_tasks.lint.parser import read_schema_folder
from azora_tasks.manifest import load_manifest
from azora_tasks.service_files import has_migrations, prisma_files, schema_inputs, schema_sources
from tests.conftest import SMALL_MANIFEST

BASE = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}
"""
MODEL = """
model {name} {{
  id        String   @id @default(uuid())
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}}
"""


def _repo(root: Path) -> Path:
    """A repo whose multi-file schema folder has an old `.prisma` copy in its own migrations/."""
    root.mkdir(parents=True)
    (root / "services.toml").write_text(
        SMALL_MANIFEST.format(prisma_cli="node_modules/prisma/build/index.js").replace('schema_path = "prisma/schema.prisma"', 'schema_path = "prisma/schema"')
    )
    folder = root / "services" / "auth" / "prisma" / "schema"
    (folder / "models").mkdir(parents=True)
    (folder / "base.prisma").write_text(BASE)
    (folder / "models" / "user.prisma").write_text(MODEL.format(name="User"))
    (folder / "migrations" / "0_init").mkdir(parents=True)
    (folder / "migrations" / "0_init" / "old.prisma").write_text("this is not a schema {")
    (folder / "migrations" / "0_init" / "migration.sql").write_text("CREATE TABLE x (id TEXT);\n")
    return root


def test_a_repo_under_a_folder_named_migrations_keeps_its_schema_files(tmp_path: Path) -> None:
    root = _repo(tmp_path / "migrations" / "checkout")
    manifest = load_manifest(root / "services.toml")
    auth = manifest.services["auth"]
    folder = manifest.schema_file(auth)
    expected = [folder / "base.prisma", folder / "models" / "user.prisma"]
    assert schema_sources(manifest, auth) == expected
    assert prisma_files(folder) == expected
    assert schema_inputs(manifest, auth) == expected == schema_files(manifest, auth)
    assert [model.name for model in read_schema_folder(folder).models] == ["User"]
    assert {Path(finding.path) for finding in lint_files([folder]).findings} <= set(expected)


def test_lint_only_run_reads_the_folder_and_not_the_migration_copy(tmp_path: Path) -> None:
    root = _repo(tmp_path / "migrations" / "checkout")
    results = root / "results.json"
    code = main(["validate", "--lint-only", "auth", "--manifest", str(root / "services.toml"), "--json", str(results), "--no-cache", "--no-color"])
    entry = json.loads(results.read_text())["runs"][0]["services"][0]
    assert code == 0, entry
    assert not any("old.prisma" in item.get("path", "") for item in entry["details"]["lint"]["items"]), entry


def test_migrations_are_found_next_to_the_schema_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "services.toml").write_text(SMALL_MANIFEST.format(prisma_cli="node_modules/prisma/build/index.js"))
    manifest = load_manifest(root / "services.toml")
    auth = manifest.services["auth"]
    assert not has_migrations(manifest, auth)
    step = manifest.schema_file(auth).parent / "migrations" / "20250101000000_init"
    step.mkdir(parents=True)
    assert not has_migrations(manifest, auth)  # a folder without migration.sql is not a migration
    (step / "migration.sql").write_text("CREATE TABLE t (id TEXT);\n")
    assert has_migrations(manifest, auth)
