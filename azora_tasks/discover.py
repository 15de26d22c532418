"""Adopt an existing monorepo: add services found in the tree to the manifest.

Edits go through tomlkit so the user's comments, ordering and layout survive;
the file is written atomically, so an interrupted run leaves the old manifest.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.atomic import write_text_atomically
from azora_tasks.manifest import (
    SAFE_SERVICE_NAME,
    Manifest,
    ManifestError,
    read_document,
)


@dataclass(frozen=True)
class Discovery:
    added: list[str]  # folder names added to the manifest
    ignored: list[str]  # folders that cannot be service names, with the reason


# Folders that hold tooling, never a service (a `node_modules` under services/ is common in workspaces).
NOT_SERVICES = frozenset({"node_modules", "__pycache__", "dist", "build", "coverage"})


def service_folders(services_dir: Path, listed: Iterable[str] = ()) -> Discovery:
    """Folders under `services_dir` that can be services and are not in `listed` (sorted).

    Skipped with a reason: tool folders (`node_modules`, ...), names the manifest
    would reject, and names that differ only in case from a listed or already
    found service -- adding those would write a manifest the tool then refuses
    (and they are one folder on case-insensitive file systems).
    """
    listed = set(listed)
    taken = {name.lower(): name for name in listed}
    added: list[str] = []
    ignored: list[str] = []
    if not services_dir.is_dir():
        return Discovery([], [])
    # Lower-case names first, so `auth` is kept and `Auth` is the one reported.
    for folder in sorted(services_dir.iterdir(), key=lambda path: (path.name.lower(), not path.name.islower(), path.name)):
        name = folder.name
        if not folder.is_dir() or name in listed or name.startswith("."):
            continue
        if name in NOT_SERVICES:
            ignored.append(f"{name} (tool folder, not a service)")
            continue
        if not SAFE_SERVICE_NAME.match(name):
            ignored.append(f"{name} (not a safe service name)")
            continue
        if name.lower() in taken:
            ignored.append(f"{name} (differs only in case from {taken[name.lower()]})")
            continue
        taken[name.lower()] = name
        added.append(name)
    return Discovery(sorted(added), ignored)


def find_unlisted_services(manifest: Manifest) -> Discovery:
    """Folders under services_dir that are not in the manifest (sorted)."""
    return service_folders(manifest.services_dir, manifest.services)


def add_services(manifest: Manifest, names: list[str], category: str, *, write: bool = True) -> str:
    """Append `[services.<name>]` tables, keeping everything else byte for byte; returns the new text."""
    if category not in manifest.categories:
        known = ", ".join(manifest.categories)
        raise ManifestError(manifest.path, None, "--category", f"category {category!r} does not exist", f"use one of: {known}")
    import tomlkit  # here: only this edit needs it (every command imports this module)

    text, document = read_document(manifest.path)
    services = document.get("services")
    if services is None:
        services = tomlkit.table(is_super_table=True)
        document["services"] = services
    today = datetime.date.today().isoformat()
    for name in names:
        table = tomlkit.table()
        table.add(tomlkit.comment(f"added by `azora-tasks manifest discover` on {today}: review category and phase"))
        table.add("category", category)
        table.add("description", "")
        services[name] = table
    new_text = tomlkit.dumps(document)
    if write and new_text != text:
        write_text_atomically(manifest.path, new_text)
    return new_text


def default_category(manifest: Manifest) -> str:
    if manifest.settings.default_category:
        return manifest.settings.default_category
    if manifest.categories:
        return next(iter(manifest.categories))
    raise ManifestError(manifest.path, None, "categories", "no categories declared", "declare at least one [categories.<key>] table")
