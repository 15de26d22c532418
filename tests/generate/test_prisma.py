"""Against the real Prisma CLI: generated text is exactly `prisma format`'s output and validates, on every provider.

The CLI is slow to start (~1 s per call), so every call runs once per session in
a small thread pool, and the tests look up the results.
"""

from __future__ import annotations

import concurrent.futures
import functools
import shutil
import subprocess
from pathlib import Path

import pytest
from generate_helpers import PRISMA_CLI, PROVIDERS, prisma, render_all

from azora_tasks.cli import main
from azora_tasks.manifest import load_manifest

pytestmark = pytest.mark.prisma
RENDERED = {provider: render_all(provider) for provider in PROVIDERS}
CASES = [(provider, name) for provider in PROVIDERS for name in RENDERED[provider]]


@functools.cache
def _results(folder: str) -> dict[tuple[str, str], tuple[str, subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]]:
    """(provider, name) -> (formatted text, format result, validate result)."""
    root = Path(folder)

    def check(case: tuple[str, str]):  # type: ignore[no-untyped-def]
        provider, name = case
        where = root / provider / name.replace(":", "-")
        where.mkdir(parents=True)
        original, copy = where / "schema.prisma", where / "formatted.prisma"
        original.write_text(RENDERED[provider][name], encoding="utf-8")
        copy.write_text(RENDERED[provider][name], encoding="utf-8")
        formatted = prisma("format", "--schema", str(copy), cwd=where, provider=provider)
        validated = prisma("validate", "--schema", str(original), cwd=where, provider=provider)
        return case, (copy.read_text(encoding="utf-8"), formatted, validated)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(check, CASES))


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not PRISMA_CLI.is_file():
        pytest.skip("Prisma CLI not installed (run `npm ci`)")
    return _results(str(tmp_path_factory.mktemp("prisma")))


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_generated_text_is_exactly_prisma_format_output(results, provider: str, name: str) -> None:  # type: ignore[no-untyped-def]
    formatted, completed, _ = results[(provider, name)]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert formatted == RENDERED[provider][name]


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_generated_schema_validates(results, provider: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, _, completed = results[(provider, name)]
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_manifest_service_gets_a_valid_schema_from_an_empty_tree(monorepo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The issue's "done when": 53 schemas written, all valid per `azora-tasks validate`."""
    (monorepo / "node_modules").symlink_to(PRISMA_CLI.parents[2], target_is_directory=True)
    manifest_path = str(monorepo / "services.toml")
    assert main(["generate", "--manifest", manifest_path, "--no-color"]) == 0
    assert len(list((monorepo / "services").glob("*/prisma/schema.prisma"))) == len(load_manifest(manifest_path).services) == 53
    capsys.readouterr()
    assert main(["validate", "--manifest", manifest_path, "--no-color", "-j", "2"]) == 0, capsys.readouterr().out
    shutil.rmtree(monorepo / "services")


def test_lint_finds_nothing_in_generated_output() -> None:
    lint = pytest.importorskip("azora_tasks.lint", reason="the schema linter (azora_tasks.lint) is not available")
    if not hasattr(lint, "lint_text"):
        pytest.skip("azora_tasks.lint.lint_text does not exist yet")
    for provider in PROVIDERS:
        for name, text in RENDERED[provider].items():
            result = lint.lint_text(text, f"{name}.prisma", provider=provider)
            assert not result.findings, (provider, name, [str(f) for f in result.findings])
