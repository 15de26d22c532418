"""`azora-tasks doctor`: which Node, Prisma CLI and npm packages each task will use, and what is missing.

A new user's first question after `pip install` is "what does this need from
Node, and do I have it"; the answer depends on the task (validate needs the
schema wasm, clients the generator machinery and a matching `@prisma/client`,
migrate a driver adapter per provider), so it is printed per task, from the
same lookups the tasks themselves do.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from azora_tasks.database import provider_of_schema
from azora_tasks.manifest import Manifest
from azora_tasks.toolchain.node_command import node_available
from azora_tasks.toolchain.packages import CLIENT_RUNTIME, installed_version, pinned_packages, runtime_matches
from azora_tasks.toolchain.prisma_cli import PrismaError, find_prisma
from azora_tasks.toolchain.versions import ToolchainResolver

ADAPTERS = {  # provider -> (driver adapter, driver)
    "postgresql": ("@prisma/adapter-pg", "pg"),
    "sqlite": ("@prisma/adapter-libsql", "@libsql/client"),
    "mysql": ("@prisma/adapter-mariadb", "mariadb"),
}
FIX = "run `azora-tasks node init` in the monorepo root"


@dataclass(frozen=True)
class Check:
    task: str  # "all", "validate", "clients", "migrate"
    component: str
    version: str | None
    where: str
    status: str  # ok | missing | mismatch | note
    note: str = ""


def _node(root: Path) -> Check:
    node = node_available(root)  # the project's pinned node_modules/.bin/node, else PATH
    if node is None:
        return Check("all", "node", None, "-", "missing", "install Node.js 20 or newer")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip().lstrip("v")
    major = int(version.split(".")[0]) if version[:1].isdigit() else 0
    return Check("all", "node", version, node, "ok" if major >= 18 else "mismatch", "" if major >= 18 else "Prisma 6 needs Node.js 18.18 or newer")


def _package(task: str, root: Path, name: str, note: str = "") -> Check:
    version = installed_version(root, name)
    pinned = pinned_packages().get(name)
    if version is None:
        return Check(task, name, None, "-", "missing", f"{FIX} (pins {name}@{pinned})" if pinned else FIX)
    status = "ok" if pinned in (None, version) else "mismatch"
    extra = note or ("" if status == "ok" else f"azora-tasks is tested with {pinned}")
    return Check(task, name, version, f"node_modules/{name}", status, extra)


def collect(root: Path, manifest: Manifest | None) -> list[Check]:
    checks = [_node(root)]
    cli_version = None
    if manifest is not None:
        try:
            cli = find_prisma(manifest)
            cli_version = cli.version
            checks.append(Check("all", "prisma (CLI)", cli.version, str(cli.script), "ok"))
        except PrismaError as error:
            checks.append(Check("all", "prisma (CLI)", installed_version(root, "prisma"), "-", "missing", str(error).splitlines()[0]))
    else:
        checks.append(_package("all", root, "prisma"))
        cli_version = installed_version(root, "prisma")
    checks.append(_package("validate", root, "@prisma/prisma-schema-wasm", "the batch validator (else `prisma validate` per service)"))
    for name in ("@prisma/internals", "@prisma/client-generator-registry"):
        checks.append(_package("clients", root, name, "the batch generator (else `prisma generate` per service)"))
    runtime = _package("clients", root, CLIENT_RUNTIME)
    if runtime.version and cli_version and not runtime_matches(runtime.version, cli_version):
        runtime = Check(
            "clients",
            CLIENT_RUNTIME,
            runtime.version,
            runtime.where,
            "mismatch",
            f"generated clients are for {cli_version}: your apps would load {runtime.version}; {FIX} --force",
        )
    elif runtime.status == "ok":
        runtime = Check("clients", CLIENT_RUNTIME, runtime.version, runtime.where, "ok", "the runtime your apps load; matches the CLI")
    checks.append(runtime)
    if manifest is not None:
        checks.extend(service_toolchains(manifest))
    providers = sorted(_providers(manifest)) if manifest else sorted(ADAPTERS)
    for provider in providers:
        adapter, driver = ADAPTERS[provider]
        note = (
            "migrate on MySQL needs a native schema engine (PRISMA_SCHEMA_ENGINE_BINARY)"
            if provider == "mysql"
            else f'{provider}: migrate, and clients with engineType = "client"'
        )
        checks.append(_package("migrate", root, adapter, note))
        checks.append(_package("migrate", root, driver))
    return checks


def service_toolchains(manifest: Manifest) -> list[Check]:
    """One row per service: the Prisma it runs with and why (task "service:<name>").

    Printed only when services differ from the monorepo's CLI, or always for a small
    tree, so a 190-service monorepo on one version keeps a short table."""
    resolver = ToolchainResolver(manifest)
    rows: list[Check] = []
    for service in manifest.services.values():
        try:
            toolchain = resolver.for_service(service)
        except PrismaError as error:
            rows.append(Check(f"service:{service.name}", "prisma", None, "-", "missing", str(error).replace("\n", " ")))
            continue
        if toolchain.needs_config:
            how = f"datasource URL from its own {toolchain.own_config.name}" if toolchain.own_config else "datasource URL through a generated --config"
        else:
            how = "datasource URL from env() in the schema"
        rows.append(
            Check(
                f"service:{service.name}",
                f"prisma {toolchain.major}",
                toolchain.cli.version,
                str(toolchain.cli.script),
                "ok",
                f"chosen by {toolchain.source}; {how}",
            )
        )
    try:
        default = resolver.default.version
    except PrismaError:
        return rows
    if len(rows) > 20 and all(row.version == default for row in rows):
        return [Check("services", f"prisma {default.split('.')[0]}", default, "-", "ok", f"all {len(rows)} services use the monorepo's CLI")]
    return rows


def _providers(manifest: Manifest) -> set[str]:
    """Providers the services use: the manifest's, and what each schema's datasource says."""
    found = {manifest.provider_for(s) for s in manifest.services.values()}
    for service in manifest.services.values():
        schema = manifest.schema_file(service)
        if schema.is_file():
            found.add(provider_of_schema(schema.read_text(encoding="utf-8", errors="replace")) or manifest.provider_for(service))
    return {provider for provider in found if provider in ADAPTERS}


def healthy(checks: list[Check]) -> bool:
    return all(check.status in ("ok", "note") for check in checks)


def to_json(root: Path, checks: list[Check]) -> dict[str, object]:
    return {"command": "doctor", "root": str(root), "healthy": healthy(checks), "checks": [asdict(check) for check in checks]}
