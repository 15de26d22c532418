"""The Node side in the user's monorepo: which npm packages the tool needs, and one command to add them.

azora-tasks drives Prisma's own JavaScript (CLI, schema wasm, generators,
driver adapters), and every worker looks for it in `<monorepo>/node_modules`.
The pins live in `node_env/package.json`, shipped in the wheel. `azora-tasks
node init` adds them as devDependencies to the monorepo's `package.json`
(creating a minimal one in an empty monorepo) and runs `npm install`, so the
monorepo's own lock file pins them from then on and `npm ci` reproduces them.

The same `node_modules` is what the monorepo's apps load at run time; that is
deliberate: a generated client only works with the `@prisma/client` runtime of
the same version as the CLI that generated it, so there must be exactly one.
An existing, different `@prisma/client` pin is refused (not silently
replaced) unless `--force` is given.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from azora_tasks.paths import PACKAGE_DIR

PINS_FILE = PACKAGE_DIR / "toolchain" / "node_env" / "package.json"
CLIENT_RUNTIME = "@prisma/client"
INSTALL_TIMEOUT_SECONDS = 900


class NodeSetupError(Exception):
    """The Node side cannot be set up as asked; the message says how to fix it."""


@lru_cache(maxsize=1)
def _pins_document() -> dict[str, Any]:
    return json.loads(PINS_FILE.read_text(encoding="utf-8"))


def pinned_packages() -> dict[str, str]:
    """npm package -> exact version the tool is tested with."""
    return dict(_pins_document()["devDependencies"])


def package_purposes() -> dict[str, str]:
    return dict(_pins_document().get("azoraTasks", {}))


def installed_version(root: Path, name: str) -> str | None:
    manifest = root / "node_modules" / name / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))
    except (OSError, ValueError):
        return None


def runtime_for(folder: Path) -> tuple[Path, str] | None:
    """The `@prisma/client` Node resolves from `folder` (nearest node_modules upward) and its version."""
    for candidate in (folder, *folder.parents):
        manifest = candidate / "node_modules" / CLIENT_RUNTIME / "package.json"
        if manifest.is_file():
            try:
                return manifest.parent, str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))
            except ValueError:
                return manifest.parent, "unreadable"
    return None


@dataclass(frozen=True)
class PackagePlan:
    path: Path
    text: str  # the new package.json
    added: dict[str, str]
    changed: dict[str, tuple[str, str]]  # name -> (was, now)
    kept: dict[str, str]  # already pinned exactly


def plan_package_json(root: Path, *, force: bool = False) -> PackagePlan:
    """The monorepo's package.json with the tool's pins added as devDependencies."""
    path = root / "package.json"
    pins = pinned_packages()
    if path.is_file():
        original = path.read_text(encoding="utf-8")
        try:
            data = json.loads(original)
        except json.JSONDecodeError as error:
            raise NodeSetupError(
                f"{path}:{error.lineno}: not valid JSON ({error.msg})\n  fix: repair package.json, then run `azora-tasks node init` again"
            ) from None
        indent = _indent_of(original)
    else:
        data = {"name": _package_name(root.name), "private": True}
        indent = 2
    sections: dict[str, dict[str, str]] = {key: dict(data.get(key) or {}) for key in ("dependencies", "devDependencies")}
    added: dict[str, str] = {}
    changed: dict[str, tuple[str, str]] = {}
    kept: dict[str, str] = {}
    conflicts = []
    for name, version in pins.items():
        section = "dependencies" if name in sections["dependencies"] else "devDependencies"
        current = sections[section].get(name)
        if current is None:
            sections["devDependencies"][name] = version
            added[name] = version
        elif current == version:
            kept[name] = version
        elif force:
            sections[section][name] = version
            changed[name] = (current, version)
        else:
            conflicts.append(f"  {name}: package.json has {current!r} ({section}), azora-tasks needs {version!r}")
    if conflicts:
        raise NodeSetupError(
            f"{path}: pins that differ from the ones azora-tasks is tested with:\n"
            + "\n".join(conflicts)
            + f"\n  a generated client only runs with the {CLIENT_RUNTIME} of the CLI's version, so the monorepo must use one version."
            + "\n  fix: run `azora-tasks node init --force` to pin these versions (then test your apps), or set settings.prisma_cli to a CLI of your version"
        )
    for key, entries in sections.items():
        if entries:
            data[key] = dict(sorted(entries.items()))
    text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    return PackagePlan(path, text, added, changed, kept)


def _indent_of(text: str) -> int | str:
    match = re.search(r'^\{\s*\n([ \t]+)"', text)
    if not match:
        return 2
    whitespace = match.group(1)
    return whitespace if "\t" in whitespace else len(whitespace)


def _package_name(folder: str) -> str:
    name = re.sub(r"[^a-z0-9._-]+", "-", folder.lower()).strip("-._")
    return name or "monorepo"


def npm_install(root: Path) -> subprocess.CompletedProcess[str]:
    """`npm install` in the monorepo root (writes or updates its package-lock.json)."""
    npm = shutil.which("npm")
    if npm is None:
        raise NodeSetupError("npm not found on PATH\n  fix: install Node.js 20 or newer (it includes npm), then run `azora-tasks node init` again")
    return subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_SECONDS,
        check=False,
    )
