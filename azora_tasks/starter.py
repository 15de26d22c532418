"""`manifest init`: a starter `services.toml` for a monorepo that has none.

The starter must load without edits (the first thing a new user runs after it
is `validate`), so it only writes what it found: the services folder, where the
schemas sit inside each service, the most common datasource provider, one
category holding every service folder `discover` would add, and
`[settings.clients]` so every service gets its own client that runs offline.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from azora_tasks.atomic import write_text_atomically
from azora_tasks.discover import NOT_SERVICES, Discovery, service_folders
from azora_tasks.manifest import (
    DEFAULT_MANIFEST_NAME,
    PROVIDERS,
    ManifestError,
    load_manifest,
)
from azora_tasks.schema_text import schema_provider

CANDIDATE_SERVICE_DIRS = ("services", "apps", "packages")
CATEGORY = "services"
MAX_SCHEMA_DEPTH = 4  # folders below a service folder searched for schema.prisma


@dataclass(frozen=True)
class Starter:
    path: Path
    text: str
    services_dir: str
    schema_path: str
    provider: str
    discovery: Discovery


def guess_services_dir(root: Path) -> str:
    """The candidate folder holding the most sub-folders with a schema (else `services`)."""
    best, best_count = "services", -1
    for name in CANDIDATE_SERVICE_DIRS:
        folder = root / name
        if folder.is_dir():
            count = sum(1 for child in folder.iterdir() if child.is_dir() and _schemas_in(child))
            if count > best_count:
                best, best_count = name, count
    return best


def _schemas_in(folder: Path) -> list[Path]:
    found: list[Path] = []
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            children = sorted(current.iterdir())
        except OSError:
            continue
        for child in children:
            if child.is_dir() and depth < MAX_SCHEMA_DEPTH and child.name not in NOT_SERVICES and not child.name.startswith("."):
                pending.append((child, depth + 1))
            elif child.name == "schema.prisma" and child.is_file():
                found.append(child)
    return found


def build_starter(root: Path, services_dir: str | None = None, path: Path | None = None) -> Starter:
    """Look at the tree and compose the starter manifest (nothing is written)."""
    services_dir = services_dir or guess_services_dir(root)
    discovery = service_folders(root / services_dir)
    schemas = [schema for name in discovery.added for schema in _schemas_in(root / services_dir / name)]
    paths = Counter(schema.relative_to(root / services_dir).relative_to(schema.relative_to(root / services_dir).parts[0]).as_posix() for schema in schemas)
    schema_path = paths.most_common(1)[0][0] if paths else "prisma/schema.prisma"
    providers = Counter(p for schema in schemas if (p := schema_provider(schema.read_text(encoding="utf-8", errors="replace"))) in PROVIDERS)
    provider = providers.most_common(1)[0][0] if providers else "sqlite"
    depth = len(Path(schema_path).parent.parts)
    output = "../" * depth + "generated/client"  # inside each service folder, whatever the schema's depth

    document = tomlkit.document()
    today = datetime.date.today().isoformat()
    document.add(tomlkit.comment(f"written by `azora-tasks manifest init` on {today}: review, then commit"))
    document.add(tomlkit.comment("every key: docs/manifest.md; add services later with `azora-tasks manifest discover`"))
    document.add(tomlkit.nl())
    settings = tomlkit.table()
    settings.add("services_dir", services_dir)
    settings.add("schema_path", schema_path)
    settings.add("provider", provider)
    settings.add("default_category", CATEGORY)
    clients = tomlkit.table()
    clients.add(tomlkit.comment("applied to every generator block that does not set them; no schema is edited"))
    clients.add("output", output)
    clients.add(tomlkit.comment('"client": runs without a native query engine, with a driver adapter (docs/clients.md)'))
    clients.add("engine_type", "client")
    settings.add("clients", clients)
    document.add("settings", settings)
    category = tomlkit.table()
    category.add("title", "Services")
    category.add("target", max(1, len(discovery.added)))
    categories = tomlkit.table(is_super_table=True)
    categories.add(CATEGORY, category)
    document.add("categories", categories)
    services = tomlkit.table(is_super_table=True)
    for name in discovery.added:
        table = tomlkit.table()
        table.add("category", CATEGORY)
        services.add(name, table)
    document.add("services", services)
    return Starter(path or root / DEFAULT_MANIFEST_NAME, tomlkit.dumps(document), services_dir, schema_path, provider, discovery)


def write_starter(starter: Starter, *, force: bool = False) -> None:
    """Write the starter (refusing to replace a manifest) and prove it loads."""
    if starter.path.exists() and not force:
        raise ManifestError(
            starter.path, None, "manifest", "already exists", "edit it, add services with `azora-tasks manifest discover`, or pass --force to replace it"
        )
    write_text_atomically(starter.path, starter.text)
    load_manifest(starter.path)  # the starter must load without edits
