"""Against Prisma itself: generated text is exactly `prisma format`'s output and validates, on every provider.

The whole matrix (every spec x every provider) goes through the batch paths in one
Node process each: the validator is the tool's own schema worker (the path `validate`
takes, whose parity with the CLI is tested in test_validate_engines.py) and the
formatter is Prisma's schema wasm, the module `prisma format` runs. One case per
provider (a different spec each) also goes through the real CLI (`prisma format`,
`prisma validate`) as a spot check.
"""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from generate_helpers import PRISMA_CLI, PROVIDERS, REPO_ROOT, URLS, prisma, render_all

from azora_tasks.cli import main
from azora_tasks.manifest import load_manifest
from azora_tasks.toolchain.schema_worker import SchemaWorker, Verdict
from tests.lint import wasm_tools
from tests.prerequisites import missing

pytestmark = [pytest.mark.prisma, pytest.mark.xdist_group("generate-prisma")]  # one worker builds `results` for them all
RENDERED = {provider: render_all(provider) for provider in PROVIDERS}
CASES = [(provider, name) for provider in PROVIDERS for name in RENDERED[provider]]
# One case per provider, each a different spec (an archetype first, a described service last, one between):
# every provider and both kinds of spec meet the real CLI; the rest of the matrix is the batch paths' work.
SPOT_CHECKS = [(provider, sorted(RENDERED[provider])[(len(RENDERED[provider]) - 1) * index // 2]) for index, provider in enumerate(PROVIDERS)]


@pytest.fixture(scope="session")
def results() -> dict[tuple[str, str], tuple[str, Verdict]]:
    """(provider, name) -> (`prisma format`'s text, the schema worker's verdict)."""
    if not PRISMA_CLI.is_file():
        missing("Prisma CLI not installed (run `npm ci`)")
    paths = {f"{provider}/{name.replace(':', '-')}/schema.prisma": (provider, name) for provider, name in CASES}
    formatted = wasm_tools.check({path: RENDERED[provider][name] for path, (provider, name) in paths.items()})
    version = json.loads((PRISMA_CLI.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
    worker = SchemaWorker(REPO_ROOT, version)
    try:
        verdicts = {case: worker.validate([(path, RENDERED[case[0]][case[1]])], {"DATABASE_URL": URLS[case[0]]}) for path, case in paths.items()}
    finally:
        worker.close()
    assert worker.starts == 1  # one Node process for the whole matrix
    return {case: (str(formatted[path]["formatted"]), verdicts[case]) for path, case in paths.items()}


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_generated_text_is_exactly_prisma_format_output(results, provider: str, name: str) -> None:  # type: ignore[no-untyped-def]
    formatted, _ = results[(provider, name)]
    assert formatted == RENDERED[provider][name]


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_generated_schema_validates(results, provider: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, verdict = results[(provider, name)]
    assert verdict.ok, verdict.output


def test_cli_spot_checks_agree(tmp_path: Path) -> None:
    """The real CLI on one case per provider: `prisma format` changes nothing, `prisma validate` passes."""
    if not PRISMA_CLI.is_file():
        missing("Prisma CLI not installed (run `npm ci`)")

    def check(case: tuple[str, str]) -> tuple[tuple[str, str], str, subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
        provider, name = case
        where = tmp_path / provider / name.replace(":", "-")
        where.mkdir(parents=True)
        original, copy = where / "schema.prisma", where / "formatted.prisma"
        original.write_text(RENDERED[provider][name], encoding="utf-8")
        copy.write_text(RENDERED[provider][name], encoding="utf-8")
        formatted = prisma("format", "--schema", str(copy), cwd=where, provider=provider)
        validated = prisma("validate", "--schema", str(original), cwd=where, provider=provider)
        return case, copy.read_text(encoding="utf-8"), formatted, validated

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for (provider, name), text, formatted, validated in pool.map(check, SPOT_CHECKS):
            assert formatted.returncode == 0, formatted.stdout + formatted.stderr
            assert text == RENDERED[provider][name], (provider, name)
            assert validated.returncode == 0 and "is valid" in validated.stdout, validated.stdout + validated.stderr


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
    from azora_tasks import lint

    for provider in PROVIDERS:
        for name, text in RENDERED[provider].items():
            result = lint.lint_text(text, f"{name}.prisma", provider=provider)
            assert not result.findings, (provider, name, [str(f) for f in result.findings])
