"""The pinned Prisma CLI: where it is, which version, and the environment it needs.

Prisma's CLI downloads native engines on first use, which fails without
internet. `validate` and `format` only need the WebAssembly schema parser
bundled in the CLI, so we point the engine variables at an existing file and
switch off update checks: the same command then works offline, in CI and on a
laptop alike.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.database import database_url
from azora_tasks.manifest import Manifest, Service
from azora_tasks.schema_text import env_variables_used, schema_provider
from azora_tasks.toolchain.node_command import node_available, node_command

SUPPORTED_MAJORS = (5, 6, 7)
PINNED = {6: "6.19.3", 7: "7.10.1"}  # the version of each major the tool is tested with (`fix:` lines name it)


# An existing file the offline engine variables point at (Prisma only checks that it exists); a
# library-engine client generated offline gets a copy of it, which `clients` then deletes.
ENGINE_PLACEHOLDER = Path(__file__).resolve()


class PrismaError(Exception):
    """The Prisma CLI is missing or unsupported; the message says how to fix it."""


@dataclass(frozen=True)
class PrismaCli:
    script: Path
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def command(self, *args: str) -> list[str]:
        return node_command(str(self.script), *args)


def find_prisma(manifest: Manifest) -> PrismaCli:
    """Locate the CLI named by `settings.prisma_cli` and refuse versions we do not support."""
    script = (manifest.root / manifest.settings.prisma_cli).resolve()
    if node_available(script.parent) is None:  # checked once here, not as a FileNotFoundError per service
        raise PrismaError(
            "Node.js (`node`) is not on PATH, and no node_modules/.bin/node pins one: the Prisma CLI needs it\n  fix: install Node.js 18 or newer"
            " (https://nodejs.org, `apt install nodejs`, `brew install node` or nvm) and make sure `node --version` works;"
            " `validate --lint-only` runs without it"
        )
    if not script.is_file():
        raise PrismaError(
            f"Prisma CLI not found at {script}\n  fix: run `azora-tasks node init` in {manifest.root} (adds the pinned npm packages"
            " azora-tasks needs to package.json and installs them; `npm ci` if they are pinned already), or set settings.prisma_cli in the manifest"
        )
    cli = cli_at(script)
    check_supported(cli)
    return cli


def cli_at(script: Path) -> PrismaCli:
    """The CLI at `script` with the version its package.json declares (not yet checked)."""
    package_json = _package_json_for(script)
    version = json.loads(package_json.read_text(encoding="utf-8")).get("version", "0") if package_json else "0"
    return PrismaCli(script, version)


def check_supported(cli: PrismaCli) -> None:
    """Refuse a CLI whose major azora-tasks does not support."""
    check_major(cli.major, f"Prisma {cli.version} at {cli.script}", "in package.json and run `npm ci`")


def check_major(major: int, what: str, where: str) -> None:
    """Refuse a Prisma major azora-tasks does not support: the one check for the monorepo's CLI
    and for the major a service asks for (`toolchain.py`). `what` names whose Prisma it is,
    `where` ends the fix line (where to pin)."""
    if major not in SUPPORTED_MAJORS:
        supported = ", ".join(f"{m}.x" for m in SUPPORTED_MAJORS)
        pins = " or ".join(PINNED[m] for m in sorted(PINNED, reverse=True))
        raise PrismaError(
            f"{what} is not supported: azora-tasks works with Prisma {supported}"
            " (Prisma 8 replaces schema.prisma and its migrations with a different workflow)."
            f"\n  fix: pin prisma {pins} {where}"
        )


def _package_json_for(script: Path) -> Path | None:
    for folder in script.parents:
        candidate = folder / "package.json"
        if candidate.is_file():
            return candidate
    return None


def offline_engine_env(base: Mapping[str, str], *, query_engine_placeholder: bool = True) -> dict[str, str]:
    """Environment for CLI commands that need no native engine (validate, format, generate).

    Any existing file satisfies the CLI's engine lookup and stops the download
    attempt; validate and format never execute it. `generate` *copies* the query
    engine library into a `prisma-client-js` client, so callers pass
    `query_engine_placeholder=False` when the client must not get a fake one.
    """
    env = dict(base)
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.setdefault("PRISMA_HIDE_UPDATE_MESSAGE", "1")
    env.setdefault("PRISMA_SKIP_POSTINSTALL_GENERATE", "1")
    env.setdefault("PRISMA_GENERATE_SKIP_AUTOINSTALL", "1")
    env.setdefault("NO_COLOR", "1")
    placeholder = str(ENGINE_PLACEHOLDER)
    env.setdefault("PRISMA_SCHEMA_ENGINE_BINARY", placeholder)
    if query_engine_placeholder:
        env.setdefault("PRISMA_QUERY_ENGINE_LIBRARY", placeholder)
    return env


def native_query_engine(root: Path) -> Path | None:
    """The downloaded Node-API query engine, if `npm ci` could fetch one (it cannot offline)."""
    for folder in (root / "node_modules" / "@prisma" / "engines", root / "node_modules" / ".prisma" / "client"):
        for candidate in sorted(folder.glob("libquery_engine-*.so.node")) + sorted(folder.glob("libquery_engine-*.dylib.node")):
            return candidate
    return None


def service_env(
    manifest: Manifest,
    service: Service,
    schema_text: str,
    base: Mapping[str, str] | None = None,
    *,
    query_engine_placeholder: bool = True,
) -> dict[str, str]:
    """Set every `env("X")` the schema reads (unless already set) to a URL matching its provider.

    Without this, `prisma validate` fails on every real schema with P1012
    "Environment variable not found: DATABASE_URL".
    """
    env = offline_engine_env(os.environ if base is None else base, query_engine_placeholder=query_engine_placeholder)
    provider = schema_provider(schema_text)
    for name in env_variables_used(schema_text):
        if name not in env:
            env[name] = database_url(manifest, service, provider)
    return env
