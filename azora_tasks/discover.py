"""Adopt an existing monorepo: add services found in the tree to the manifest.

Edits go through tomlkit so the user's comments, ordering and layout survive;
the file is written atomically, so an interrupted run leaves the old manifest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
import tomlkit

from azora_tasks.atomic import write_text_atomically
from azora_tasks.manifest import SAFE_SERVICE_NAME, Manifest, ManifestError, read_document


@dataclass(frozen=True)
class Discovery:
    added: list[str]  # folder names added to the manifest
    ignored: list[str]  # folders that cannot be service names, with the reason


def find_unlisted_services(manifest: Manifest) -> Discovery:
    """Folders under services_dir that are not in the manifest (sorted)."""
    added: list[str] = []
    ignored: list[str] = []
    if not manifest.services_dir.is_dir():
        return Discovery([], [])
    for folder in sorted(manifest.services_dir.iterdir()):
        if not folder.is_dir() or folder.name in manifest.services:
            continue
        if folder.name.startswith("."):
            continue
        if not SAFE_SERVICE_NAME.match(folder.name):
            ignored.append(f"{folder.name} (not a safe service name)")
            continue
        added.append(folder.name)
    return Discovery(added, ignored)


def add_services(manifest: Manifest, names: list[str], category: str, *, write: bool = True) -> str:
    """Append `[services.<name>]` tables, keeping everything else byte for byte; returns the new text."""
    if category not in manifest.categories:
        known = ", ".join(manifest.categories)
        raise ManifestError(manifest.path, None, "--category", f"category {category!r} does not exist", f"use one of: {known}")
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

