"""Helpers for the generate tests: the real manifest's specs, rendering and the Prisma CLI."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from azora_tasks.generate.archetypes import available_archetypes, load_archetype, spec_for
from azora_tasks.generate.render import render_schema
from azora_tasks.generate.spec import ServiceSpec
from azora_tasks.manifest import Manifest, load_manifest
from azora_tasks.toolchain.prisma_cli import offline_engine_env
from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parents[2]
PRISMA_CLI = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"
PROVIDERS = ("sqlite", "postgresql", "mysql")
URLS = {"sqlite": "file:./dev.db", "postgresql": "postgresql://u@127.0.0.1:5432/x", "mysql": "mysql://u@127.0.0.1:3306/x"}


def repo_manifest() -> Manifest:
    return load_manifest(REPO_ROOT / "services.toml")


def distinct_specs() -> dict[str, ServiceSpec]:
    """Every spec the real manifest can produce: the described services plus every archetype."""
    manifest = repo_manifest()
    specs = {name: spec_for(manifest, service) for name, service in manifest.services.items() if service.models}
    specs.update({f"archetype:{key}": load_archetype(key) for key in available_archetypes()})
    return specs


def render_all(provider: str) -> dict[str, str]:
    """Every distinct spec rendered for `provider` (a fresh dict per call; the rendering is done once per process:
    three test modules render all of them at import, in every xdist worker)."""
    return dict(_rendered(provider))


@functools.cache
def _rendered(provider: str) -> dict[str, str]:
    return {name: render_schema(spec, service=name, description="test", provider=provider) for name, spec in distinct_specs().items()}


def prisma(*args: str, cwd: Path, provider: str) -> subprocess.CompletedProcess[str]:
    if not PRISMA_CLI.is_file():
        missing("Prisma CLI not installed (run `npm ci`)")
    env = offline_engine_env(os.environ)
    env["DATABASE_URL"] = URLS[provider]
    return subprocess.run(["node", str(PRISMA_CLI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
