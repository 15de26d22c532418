"""Where a service's files are: its schema (one file or a folder of `.prisma` files), its
migrations, its client outputs. Validate, the cache, the lint, the report and migrate all ask
here, so they can never disagree about which files make up a schema.

A `migrations` folder is excluded by its position *inside* the schema folder, never by the
absolute path: a repository checked out under any folder named `migrations` must still work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azora_tasks.manifest import Manifest, Service


def prisma_files(folder: Path) -> list[Path]:
    """Every `.prisma` file below `folder`, sorted, except those in a `migrations` folder inside it."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found: list[Path] = []
    # os.walk, not rglob: a `migrations` folder is never entered (hashing a schema must not cost a walk of its history).
    for current, folders, files in os.walk(folder, followlinks=True):
        folders[:] = [name for name in folders if name != "migrations"]
        found.extend(Path(current, name) for name in files if name.endswith(".prisma"))
    return sorted(path for path in found if path.is_file())


def schema_sources(manifest: Manifest, service: Service) -> list[Path]:
    """What Prisma reads: the schema file itself, or every `.prisma` file of a schema folder."""
    schema = manifest.schema_file(service)
    if schema.is_file():
        return [schema]
    return prisma_files(schema)


def schema_inputs(manifest: Manifest, service: Service) -> list[Path]:
    """What a result depends on (the cache and migrate's fast path hash these): every `.prisma`
    file of the folder holding the schema, so a model moved to a sibling file is a change too."""
    return prisma_files(manifest.schema_file(service).parent)


def migrations_dir(schema: Path) -> Path:
    """Prisma's place for migrations: `migrations/` next to the schema file."""
    return schema.parent / "migrations"


def has_migrations(manifest: Manifest, service: Service) -> bool:
    migrations = migrations_dir(manifest.schema_file(service))
    return migrations.is_dir() and any(migrations.glob("*/migration.sql"))


def client_outputs(manifest: Manifest, service: Service) -> list[Path]:
    """The output folders of the service's client generators, `[settings.clients]` applied."""
    from azora_tasks.client_settings import resolve_outputs

    return resolve_outputs(manifest, service)
