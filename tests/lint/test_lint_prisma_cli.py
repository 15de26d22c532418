"""Cross-checks against Prisma itself (the pinned `node_modules/prisma`).

The documented "good" examples and the reference clean schema must be
schemas Prisma itself accepts, so the docs never teach invalid syntax, and
generated schemas our reader accepts must be accepted by Prisma's parser
at least syntactically.

Every example goes through the tool's schema worker (Prisma's own wasm
validator, the path `validate` takes; its parity with the CLI on a mixed corpus
is tested in tests/test_validate_engines.py, a valid MySQL schema among its CLI
samples) in one Node process; the real CLI (`prisma validate`) spot-checks the
reference schema. The one example that brings its own (MySQL) datasource, AZL016,
is checked by the worker like the others.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lint_helpers import CLEAN_SCHEMA

from azora_tasks.lint import RULES
from azora_tasks.toolchain.schema_worker import SchemaWorker, Verdict
from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parents[2]
PRISMA = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"
DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
GOOD = {rule.code: rule.doc_sections()["good"] for rule in RULES}
BROKEN = "model Broken {\n  id Strin @id\n}\n"  # an unknown type: Prisma rejects it (P1012)

pytestmark = pytest.mark.prisma


def _require_cli() -> None:
    if shutil.which("node") is None or not PRISMA.exists():
        missing("the Prisma CLI is not installed (run `npm ci`)")


def _schema(text: str) -> str:
    return text if "datasource" in text else DATASOURCE + text


def _url(text: str) -> str:
    return "mysql://u@localhost/db" if '"mysql"' in text else "postgresql://u@localhost/db"


def prisma_validate(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    _require_cli()
    schema = tmp_path / "schema.prisma"
    schema.write_text(_schema(text))
    placeholder = str(Path(__file__).resolve())
    env = dict(
        os.environ,
        CHECKPOINT_DISABLE="1",
        PRISMA_HIDE_UPDATE_MESSAGE="1",
        NO_COLOR="1",
        PRISMA_SCHEMA_ENGINE_BINARY=placeholder,
        PRISMA_QUERY_ENGINE_LIBRARY=placeholder,
        DATABASE_URL=_url(text),
    )
    return subprocess.run(
        ["node", str(PRISMA), "validate", "--schema", str(schema)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    """Rule code (and "clean") -> the schema worker's verdict, all from one Node process."""
    _require_cli()
    version = json.loads((PRISMA.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
    texts = {**GOOD, "clean": CLEAN_SCHEMA, "broken": BROKEN}
    with SchemaWorker(REPO_ROOT, version) as worker:
        found = {key: worker.validate([(f"{key}/schema.prisma", _schema(text))], {"DATABASE_URL": _url(text)}) for key, text in texts.items()}
        assert worker.starts == 1
    return found


def test_the_worker_rejects_what_prisma_rejects(verdicts: dict[str, Verdict]) -> None:
    """The same worker fails a broken schema: a broken good example would not pass unnoticed."""
    assert not verdicts["broken"].ok and verdicts["broken"].code == "P1012", verdicts["broken"].output


@pytest.mark.parametrize("code", list(GOOD))
def test_good_examples_are_valid_prisma(verdicts: dict[str, Verdict], code: str) -> None:
    assert verdicts[code].ok, verdicts[code].output


def test_clean_reference_schema_is_valid_prisma(verdicts: dict[str, Verdict], tmp_path: Path) -> None:
    assert verdicts["clean"].ok, verdicts["clean"].output
    result = prisma_validate(CLEAN_SCHEMA, tmp_path)  # and the real CLI agrees
    assert result.returncode == 0, result.stdout + result.stderr
