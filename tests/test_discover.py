"""`manifest discover`: adopt an existing tree in one step, keeping the manifest's comments and layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.manifest import load_manifest


def test_discover_adds_unlisted_folders_and_keeps_everything_else(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest_path = monorepo / "services.toml"
    before = manifest_path.read_text()
    for name in ("auth", "billing", "zeta-service", ".cache", "bad name"):
        (monorepo / "services" / name).mkdir(parents=True)
    assert main(["manifest", "discover", "--manifest", str(manifest_path)]) == 0
    after = manifest_path.read_text()
    assert after.startswith(before)  # nothing above was touched: comments, order, layout
    manifest = load_manifest(manifest_path)
    assert {"billing", "zeta-service"} <= set(manifest.services)
    assert manifest.services["billing"].category == "core"  # first declared category
    assert ".cache" not in manifest.services and "bad name" not in manifest.services
    output = capsys.readouterr().out
    assert "added 2 services" in output and "ignored bad name" in output

    assert main(["manifest", "discover", "--manifest", str(manifest_path)]) == 0
    assert manifest_path.read_text() == after
    assert "manifest is complete" in capsys.readouterr().out


def test_discover_dry_run_writes_nothing(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest_path = monorepo / "services.toml"
    before = manifest_path.read_bytes()
    (monorepo / "services" / "billing").mkdir(parents=True)
    assert main(["manifest", "discover", "--dry-run", "--category", "education", "--manifest", str(manifest_path)]) == 0
    assert manifest_path.read_bytes() == before
    assert "would add 1 services" in capsys.readouterr().out


def test_discover_rejects_unknown_category(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monorepo / "services" / "billing").mkdir(parents=True)
    assert main(["manifest", "discover", "--category", "nope", "--manifest", str(monorepo / "services.toml")]) == 2
    assert "category 'nope' does not exist" in capsys.readouterr().out
