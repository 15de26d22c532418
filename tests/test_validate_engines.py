"""The batch path (one Node worker) gives the CLI's verdicts and messages; the lint runs inside validate."""

from __future__ import annotations

import json
import os
import re
import signal
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.manifest import load_manifest
from azora_tasks.process import ProcessGroup
from azora_tasks.tasks.validate import ValidateTask
from azora_tasks.toolchain.prisma_cli import find_prisma
from azora_tasks.toolchain.schema_worker import SchemaWorker
from tests.conftest import INVALID_SCHEMA, REPO_ROOT, VALID_SCHEMA, write_schema

pytestmark = pytest.mark.prisma

POSTGRES = VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "postgresql"')
CORPUS = {
    "valid-sqlite": VALID_SCHEMA,
    "valid-postgres": POSTGRES,
    "valid-mysql": VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "mysql"'),
    "unknown-type": INVALID_SCHEMA,
    "two-errors": INVALID_SCHEMA.replace("DateTime  @default(now())", "Datetime  @default(now())"),
    "bad-relation": VALID_SCHEMA.replace('  @@map("users")', '  posts     Post[]\n\n  @@map("users")'),
    "syntax-error": VALID_SCHEMA.replace("model User {", "model User {{"),
    "unknown-attribute": VALID_SCHEMA.replace("@unique", "@uniq"),
    "enum-on-sqlite": VALID_SCHEMA.replace('@@map("users")', 'role Role\n  @@map("users")') + "\nenum Role {\n  ADMIN\n  USER\n}\n",
    "bad-provider": VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "oracle"'),
    "no-datasource": VALID_SCHEMA[VALID_SCHEMA.index("generator") :],
    "env-wrong-protocol": POSTGRES.replace('env("DATABASE_URL")', 'env("AZORA_TEST_WRONG_URL")'),
    "decimal-native-type-on-sqlite": VALID_SCHEMA.replace(
        "email     String    @unique", "email     String    @unique\n  price     Decimal   @db.Decimal(10, 2)"
    ),
}


def _normalise(output: str) -> tuple[str | None, list[str]]:
    """The parts both paths must agree on: the error code and every `error:` line with its location."""
    code = re.search(r"Error code: (P\d+)", output)
    lines = re.findall(r"^(error: .*|\s+-->\s+\S+)$", output, re.MULTILINE)
    return (code.group(1) if code else None), [line.strip() for line in lines]


# Every sample's verdict on the batch path (one Node worker), as `prisma validate` 6.19.3 gives it: the summary
# (the first error and its line) or "valid". Samples whose worker path another sample already takes are checked
# against these values only; CLI_SAMPLES also go through the real CLI, one per distinct path in the worker
# (schema_worker.cjs): a valid schema whose URL comes from the provider's template (mysql), datamodel errors
# (wasm `validate`, two errors in one message: the count and every location), and a configuration error that
# depends on the environment (wasm `get_config` with the service's env: the worker gets the env in the request,
# the CLI in its process). The other samples take one of those paths with other text: unknown-type,
# bad-relation, unknown-attribute and the native type are datamodel errors like two-errors; bad-provider is a
# get_config error like env-wrong-protocol; the rest are valid like valid-mysql.
EXPECTED = {
    "valid-sqlite": "valid",
    "valid-postgres": "valid",
    "valid-mysql": "valid",
    "unknown-type": 'P1012: line 13: Type "Strin" is neither a built-in type, nor refers to another model, composite type, or enum.',
    "two-errors": 'P1012: line 13: Type "Strin" is neither a built-in type, nor refers to another model, composite type, or enum.',
    "bad-relation": 'P1012: line 18: Type "Post" is neither a built-in type, nor refers to another model, composite type, or enum.',
    "syntax-error": "valid",  # Prisma 6 reads `model User {{` as `model User {`
    "unknown-attribute": 'P1012: line 13: Attribute not known: "@uniq".',
    "enum-on-sqlite": "valid",  # enums are supported on SQLite since Prisma 6
    "bad-provider": 'P1012: line 2: Datasource provider not known: "oracle".',
    "no-datasource": "valid",
    "env-wrong-protocol": "P1012: line 3: Error validating datasource `db`: the URL must start with the protocol `postgresql://` or `postgres://`.",
    "decimal-native-type-on-sqlite": "P1012: line 14: Native type Decimal is not supported for sqlite connector.",
}
CLI_SAMPLES = ("valid-mysql", "two-errors", "env-wrong-protocol")


def test_wasm_worker_agrees_with_the_cli_on_a_mixed_corpus(tmp_path: Path, prisma_cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZORA_TEST_WRONG_URL", "mysql://root@localhost/db")
    lines = ["[settings]", f'prisma_cli = "{prisma_cli.as_posix()}"', "", "[categories.core]", 'title = "Core"', "target = 1", ""]
    for name in CORPUS:
        lines += [f"[services.{name}]", 'category = "core"', ""]
    (tmp_path / "services.toml").write_text("\n".join(lines))
    for name, schema in CORPUS.items():
        write_schema(tmp_path, name, schema)
    (tmp_path / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    manifest = load_manifest(tmp_path / "services.toml")
    prisma = find_prisma(manifest)
    cli = ValidateTask(manifest, prisma, ProcessGroup(), engine="cli", lint=False)
    wasm = ValidateTask(manifest, prisma, ProcessGroup(), engine="wasm", lint=False)
    try:
        by_wasm = {service.name: wasm(service) for service in manifest.services.values()}
        assert wasm.worker.starts == 1  # one Node process for the whole corpus
    finally:
        wasm.close()
    assert {name: result.summary for name, result in by_wasm.items()} == EXPECTED
    assert {name for name, result in by_wasm.items() if result.status.value == "ok"} == {n for n, s in EXPECTED.items() if s == "valid"}
    assert _normalise(by_wasm["two-errors"].output)[1][2].startswith('error: Type "Datetime" is neither')  # both errors, located
    for name in CLI_SAMPLES:
        by_cli = cli(manifest.services[name])
        assert by_wasm[name].status == by_cli.status, (name, by_cli.output, by_wasm[name].output)
        assert _normalise(by_wasm[name].output) == _normalise(by_cli.output), name
        assert by_wasm[name].summary == by_cli.summary, name


def test_worker_restarts_after_a_crash(prisma_cli: Path) -> None:
    with SchemaWorker(REPO_ROOT, "6.19.3") as worker:
        assert worker.validate([("prisma/schema.prisma", VALID_SCHEMA)], {"DATABASE_URL": "file:./x.db"}).ok
        pid = worker.request({"op": "ping"})["pid"]
        os.kill(pid, signal.SIGKILL)
        verdict = worker.validate([("prisma/schema.prisma", INVALID_SCHEMA)], {"DATABASE_URL": "file:./x.db"})
        assert not verdict.ok and verdict.code == "P1012"
        assert worker.starts == 2
        assert worker.request({"op": "ping"})["pid"] != pid


LINT_BAD = VALID_SCHEMA.replace("  deletedAt DateTime?\n", "").replace('  @@map("users")\n', "  balance   Float\n")


def _run(root: Path, *args: str) -> tuple[int, dict]:
    results = root / "results.json"
    code = main(["validate", *args, "--manifest", str(root / "services.toml"), "--json", str(results), "--no-cache"])
    return code, {e["service"]: e for e in json.loads(results.read_text())["runs"][0]["services"]}


def _hoisted_install(root: Path) -> None:
    """node_modules at the tree's root: validate's default engine is then the batch path (one Node worker per run).
    The lint is the same on either engine; the CLI path runs in the corpus test above and in test_validate.py."""
    (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")


def test_lint_findings_fail_validate_and_reach_junit_and_sarif(monorepo: Path, prisma_cli: Path) -> None:
    _hoisted_install(monorepo)
    write_schema(monorepo, "auth", LINT_BAD)
    code, results = _run(monorepo, "auth", "--junit", str(monorepo / "lint.xml"), "--sarif", str(monorepo / "lint.sarif"))
    assert code == 1
    assert results["auth"]["summary"].startswith("lint: 1 error")
    codes = {item["code"] for item in results["auth"]["details"]["lint"]["items"]}
    assert {"AZL003", "AZL007", "AZL008"} <= codes
    money = next(i for i in results["auth"]["details"]["lint"]["items"] if i["code"] == "AZL008")
    assert money["line"] == LINT_BAD.splitlines().index("  balance   Float") + 1
    suites = ET.parse(monorepo / "lint.xml").getroot()
    assert suites.find("testsuite[@name='auth']") is not None
    sarif = json.loads((monorepo / "lint.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"AZL008"}

    assert _run(monorepo, "auth", "--no-lint")[0] == 0


def test_manifest_lint_config_and_lint_only(monorepo: Path, prisma_cli: Path) -> None:
    _hoisted_install(monorepo)
    write_schema(monorepo, "auth", LINT_BAD)
    manifest = monorepo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.auth]\n", '[services.auth]\nlint = { money-decimal = "off" }\n'))
    code, results = _run(monorepo, "auth")
    assert code == 0, results["auth"]
    assert "AZL008" not in {item["code"] for item in results["auth"]["details"]["lint"]["items"]}

    manifest.write_text(manifest.read_text() + '\n[lint]\nsoft-delete = "error"\n')
    code, results = _run(monorepo, "auth", "--lint-only")
    assert code == 1 and "prisma" not in results["auth"]["details"]


def test_unknown_lint_rule_in_manifest_is_a_located_error(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = monorepo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.auth]\n", '[services.auth]\nlint = { no-such-rule = "off" }\n'))
    assert main(["validate", "--manifest", str(manifest)]) == 2
    output = capsys.readouterr().out
    line = manifest.read_text().splitlines().index('lint = { no-such-rule = "off" }') + 1
    assert f"services.toml:{line}: services.auth.lint" in output and "no-such-rule" in output
