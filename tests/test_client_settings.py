"""`[settings.clients]`: parsing, the effective generator block, and schemas `generate` writes with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.client_settings import apply_client_settings
from azora_tasks.manifest import ClientSettings, ManifestError, load_manifest
from tests.conftest import VALID_SCHEMA
from tests.foreign_monorepo import foreign_schema
from tests.lint import wasm_tools

BOTH = ClientSettings("../../generated/{service}/client", "client")


def test_missing_lines_are_added_and_aligned_like_prisma_format() -> None:
    text = foreign_schema("auth", "postgresql")
    edited = apply_client_settings(text, BOTH, "auth")
    assert 'generator client {\n  provider   = "prisma-client-js"\n  output     = "../../generated/auth/client"\n  engineType = "client"\n}' in edited
    assert edited.replace('  output     = "../../generated/auth/client"\n  engineType = "client"\n', "").replace("provider   =", "provider =") == text


def test_lines_in_the_schema_win_and_other_generators_are_untouched() -> None:
    text = VALID_SCHEMA + '\ngenerator docs {\n  provider = "prisma-docs-generator"\n}\n'
    edited = apply_client_settings(text, BOTH, "auth")
    assert 'output     = "../generated/client"' in edited and "generated/auth" not in edited  # the schema's own output wins
    assert 'engineType = "client"' in edited
    assert edited.endswith('generator docs {\n  provider = "prisma-docs-generator"\n}\n')
    assert apply_client_settings(text, ClientSettings(), "auth") == text  # no settings: unchanged


def test_commented_generator_lines_do_not_count() -> None:
    text = foreign_schema("auth", "sqlite").replace('  provider = "prisma-client-js"\n', '  provider = "prisma-client-js"\n  // output = "../old"\n')
    assert '  output     = "../../generated/auth/client"' in apply_client_settings(text, BOTH, "auth")


@pytest.mark.prisma
def test_edited_schema_is_stable_under_prisma_format(prisma_cli: Path) -> None:
    """Prisma's formatter (the schema wasm `prisma format` runs, in one Node process; the CLI's own `prisma format`
    gives the same text: tests/generate/test_prisma.py::test_cli_spot_checks_agree) leaves our block as we wrote it."""
    before = apply_client_settings(foreign_schema("auth", "sqlite"), BOTH, "auth")
    result = wasm_tools.check({"schema.prisma": before})["schema.prisma"]
    assert result["error"] is None, result["error"]
    generator = before[before.index("generator client") : before.index("}", before.index("generator client")) + 1]
    assert generator in str(result["formatted"])


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ('engine_type = "binary"', "unknown engine type 'binary'"),
        ('output = "../{name}/client"', "uses a placeholder other than {service}"),
        ('output = "/abs/client"', "is absolute"),
        ('colour = "blue"', "unknown key 'colour'"),
    ],
)
def test_bad_client_settings_name_the_line_and_the_fix(monorepo: Path, block: str, problem: str) -> None:
    manifest = monorepo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[phases.1]", f"[settings.clients]\n{block}\n\n[phases.1]"))
    with pytest.raises(ManifestError) as raised:
        load_manifest(manifest)
    assert problem in str(raised.value) and raised.value.line is not None and "fix:" in str(raised.value)


def test_per_service_clients_override_the_settings(monorepo: Path) -> None:
    manifest = monorepo / "services.toml"
    text = manifest.read_text().replace("[phases.1]", '[settings.clients]\noutput = "../generated/client"\nengine_type = "client"\n\n[phases.1]')
    manifest.write_text(text.replace('description = "Authentication"', 'description = "Authentication"\nclients = { engine_type = "library" }'))
    loaded = load_manifest(manifest)
    assert loaded.client_settings(loaded.services["auth"]) == ClientSettings("../generated/client", "library")
    assert loaded.client_settings(loaded.services["user-service"]) == ClientSettings("../generated/client", "client")


def test_generate_writes_the_client_settings(monorepo: Path) -> None:
    manifest = monorepo / "services.toml"
    text = manifest.read_text().replace("[categories.core]", "[categories.core-infrastructure]").replace('"core"', '"core-infrastructure"')
    manifest.write_text(text.replace("[phases.1]", '[settings.clients]\noutput = "../../../clients/{service}"\nengine_type = "client"\n\n[phases.1]'))
    assert main(["generate", "auth", "--manifest", str(manifest)]) == 0
    schema = (monorepo / "services" / "auth" / "prisma" / "schema.prisma").read_text()
    assert 'generator client {\n  provider   = "prisma-client-js"\n  output     = "../../../clients/auth"\n  engineType = "client"\n}' in schema
    assert main(["validate", "auth", "--lint-only", "--manifest", str(manifest)]) == 0  # still checklist-conformant
