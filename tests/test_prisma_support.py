"""One check refuses an unsupported Prisma major, for the monorepo's CLI and for a service's own pin alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azora_tasks.manifest import load_manifest
from azora_tasks.toolchain.prisma_cli import PrismaCli, PrismaError, check_supported
from azora_tasks.toolchain.versions import ToolchainResolver


def _refusal(error: pytest.ExceptionInfo[PrismaError]) -> str:
    """The message after `<whose Prisma>`, up to where the fix line says where to pin."""
    return str(error.value).split(" is not supported", 1)[1].rsplit(" ", 1)[0]


def test_the_cli_and_a_service_pin_are_refused_in_the_same_words(monorepo: Path) -> None:
    with pytest.raises(PrismaError) as cli:
        check_supported(PrismaCli(Path("/repo/node_modules/prisma/build/index.js"), "8.0.0"))
    package_json = monorepo / "services" / "auth" / "package.json"
    package_json.parent.mkdir(parents=True)
    package_json.write_text(json.dumps({"devDependencies": {"prisma": "8.1.0"}}))
    manifest = load_manifest(monorepo / "services.toml")
    with pytest.raises(PrismaError) as service:
        ToolchainResolver(manifest).for_service(manifest.services["auth"])
    assert str(cli.value).startswith("Prisma 8.0.0 at /repo/node_modules/prisma/build/index.js is not supported")
    assert str(service.value).startswith("services/auth/package.json: Prisma 8 is not supported")
    assert _refusal(cli).startswith(": azora-tasks works with Prisma 5.x, 6.x, 7.x")
    assert _refusal(cli).split("\n  fix:")[0] == _refusal(service).split("\n  fix:")[0]
    assert "fix: pin prisma 7.10.1 or 6.19.3" in str(cli.value) and "fix: pin prisma 7.10.1 or 6.19.3" in str(service.value)
