"""Against Prisma itself: generated text is exactly `prisma format`'s output and validates, on every provider.

The whole matrix (every spec x every provider) goes through the batch paths in one
Node process each: the validator is the tool's own schema worker (the path `validate`
takes, whose parity with the CLI is tested in test_validate_engines.py) and the
formatter is Prisma's schema wasm, the module `prisma format` runs. Two cases also go
through the real CLI as a spot check: a described service on PostgreSQL (native types
to align) through `prisma format`, an archetype on MySQL through `prisma validate`
(SQLite's validity on the CLI path: tests/test_validate.py; worker-vs-CLI parity on
all three providers' URLs and on errors: tests/test_validate_engines.py).
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
# The CLI spot checks: `prisma format` on a described service, `prisma validate` on an archetype, two providers.
FORMAT_CHECK = ("postgresql", sorted(RENDERED["postgresql"])[-1])
VALIDATE_CHECK = ("mysql", sorted(RENDERED["mysql"])[0])
assert not FORMAT_CHECK[1].startswith("archetype:") and VALIDATE_CHECK[1].startswith("archetype:")


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
    """The real CLI: `prisma format` changes nothing on one case, `prisma validate` passes another."""
    if not PRISMA_CLI.is_file():
        missing("Prisma CLI not installed (run `npm ci`)")

    def check(command: str, case: tuple[str, str]) -> tuple[str, subprocess.CompletedProcess[str]]:
        provider, name = case
        where = tmp_path / provider / name.replace(":", "-")
        where.mkdir(parents=True)
        schema = where / "schema.prisma"
        schema.write_text(RENDERED[provider][name], encoding="utf-8")
        completed = prisma(command, "--schema", str(schema), cwd=where, provider=provider)
        return schema.read_text(encoding="utf-8"), completed

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        formatting = pool.submit(check, "format", FORMAT_CHECK)
        validating = pool.submit(check, "validate", VALIDATE_CHECK)
        (text, formatted), (_, validated) = formatting.result(), validating.result()
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert text == RENDERED[FORMAT_CHECK[0]][FORMAT_CHECK[1]], FORMAT_CHECK
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
