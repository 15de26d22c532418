"""Fixtures for generate: a copy of the real manifest in a temporary monorepo."""

from __future__ import annotations

from pathlib import Path

import pytest
from generate_helpers import PRISMA_CLI, REPO_ROOT

from azora_tasks.manifest import Manifest, load_manifest


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A temporary monorepo root holding a copy of the real services.toml (no services/ folder yet)."""
    text = (REPO_ROOT / "services.toml").read_text(encoding="utf-8")
    text = text.replace('prisma_cli = "node_modules/prisma/build/index.js"', f'prisma_cli = "{PRISMA_CLI.as_posix()}"')
    (tmp_path / "services.toml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def manifest(monorepo: Path) -> Manifest:
    return load_manifest(monorepo / "services.toml")
