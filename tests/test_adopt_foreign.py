"""Adopting a foreign monorepo (≥ 50 hand-written services) in one sitting: init, discover, clients."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.manifest import load_manifest
from tests.conftest import PRISMA_CLI
from tests.foreign_monorepo import build_foreign_monorepo

pytestmark = pytest.mark.prisma


def _point_at_cli(manifest: Path) -> None:
    text = manifest.read_text()
    manifest.write_text(text.replace('default_category = "services"', f'default_category = "services"\nprisma_cli = "{PRISMA_CLI.as_posix()}"'))


def test_init_then_clients_gives_every_service_its_own_client(tmp_path: Path, capsys: pytest.CaptureFixture[str], prisma_cli: Path) -> None:
    names = build_foreign_monorepo(tmp_path, 52)
    manifest_path = tmp_path / "services.toml"
    assert main(["manifest", "init", "--manifest", str(manifest_path)]) == 0
    out = capsys.readouterr().out
    assert "ignored Auth (differs only in case from auth)" in out and "ignored node_modules" in out
    _point_at_cli(manifest_path)
    manifest = load_manifest(manifest_path)  # loads without edits
    assert sorted(manifest.services) == sorted(names)
    assert manifest.settings.provider == "postgresql"
    assert main(["manifest", "discover", "--manifest", str(manifest_path)]) == 0
    assert "manifest is complete" in capsys.readouterr().out

    # The same tree without [settings.clients]: every schema writes node_modules/.prisma/client.
    unconfigured = tmp_path / "unconfigured.toml"
    unconfigured.write_text(re.sub(r"\[settings\.clients\].*?engine_type = \"client\"\n", "", manifest_path.read_text(), flags=re.DOTALL))
    assert main(["clients", "--manifest", str(unconfigured), "--no-color"]) == 2
    message = capsys.readouterr().out.strip().splitlines()
    assert len(message) <= 20, message
    assert any(re.search(r"52 services write .*node_modules/\.prisma/client: auth, svc-001, .* \(\+47 more\)", line) for line in message)
    assert any(line.strip().startswith("fix:") and "[settings.clients]" in line for line in message)
    assert not list(tmp_path.glob("services/*/generated"))  # nothing ran

    before = {name: (tmp_path / "services" / name / "prisma" / "schema.prisma").read_bytes() for name in names}
    results = tmp_path / "clients.json"
    assert main(["clients", "--manifest", str(manifest_path), "--json", str(results), "--no-color"]) == 0
    services = {entry["service"]: entry for entry in json.loads(results.read_text())["runs"][0]["services"]}
    assert {name for name, entry in services.items() if entry["status"] == "ok"} == set(names)
    outputs = {name: services[name]["details"]["outputs"] for name in names}
    assert all(outputs[name] == [f"services/{name}/generated/client"] for name in names)
    for name in names:
        folder = tmp_path / "services" / name / "generated" / "client"
        generated = (folder / "schema.prisma").read_text()
        assert 'engineType = "client"' in generated and f"// {name}: hand-written" in generated
        assert not [p for p in folder.iterdir() if p.name.startswith(("libquery_engine", "query_engine"))]
        assert "azora-clients" not in (folder / "index.js").read_text()
        assert (tmp_path / "services" / name / "prisma" / "schema.prisma").read_bytes() == before[name]  # no schema edited
        assert [p.name for p in (tmp_path / "services" / name / "prisma").iterdir()] == ["schema.prisma"]  # no hidden copy left


def test_write_output_puts_the_settings_into_the_schemas(tmp_path: Path, capsys: pytest.CaptureFixture[str], prisma_cli: Path) -> None:
    build_foreign_monorepo(tmp_path, 3)
    manifest_path = tmp_path / "services.toml"
    assert main(["manifest", "init", "--manifest", str(manifest_path)]) == 0
    _point_at_cli(manifest_path)
    text = manifest_path.read_text().replace(
        '[services.svc-001]\ncategory = "services"\n', '[services.svc-001]\ncategory = "services"\nclients = { output = "../../../generated/{service}" }\n'
    )
    manifest_path.write_text(text)
    assert main(["clients", "--write-output", "--manifest", str(manifest_path), "--no-color"]) == 0
    auth = (tmp_path / "services" / "auth" / "prisma" / "schema.prisma").read_text()
    assert 'generator client {\n  provider   = "prisma-client-js"\n  output     = "../generated/client"\n  engineType = "client"\n}' in auth
    svc = (tmp_path / "services" / "svc-001" / "prisma" / "schema.prisma").read_text()
    assert 'output     = "../../../generated/svc-001"' in svc  # the per-service override
    assert (tmp_path / "generated" / "svc-001" / "index.js").is_file()
