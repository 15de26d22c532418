"""Cross-checks against the real Prisma CLI (the pinned `node_modules/prisma`).

The documented "good" examples and the reference clean schema must be
schemas Prisma itself accepts, so the docs never teach invalid syntax, and
generated schemas our reader accepts must be accepted by Prisma's parser
at least syntactically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lint_helpers import CLEAN_SCHEMA

from azora_tasks.lint import RULES
from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parents[2]
PRISMA = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"
DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'

pytestmark = pytest.mark.prisma


def prisma_validate(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not PRISMA.exists():
        missing("the Prisma CLI is not installed (run `npm ci`)")
    schema = tmp_path / "schema.prisma"
    schema.write_text(text if "datasource" in text else DATASOURCE + text)
    provider_url = "mysql://u@localhost/db" if '"mysql"' in text else "postgresql://u@localhost/db"
    placeholder = str(Path(__file__).resolve())
    env = dict(
        os.environ,
        CHECKPOINT_DISABLE="1",
        PRISMA_HIDE_UPDATE_MESSAGE="1",
        NO_COLOR="1",
        PRISMA_SCHEMA_ENGINE_BINARY=placeholder,
        PRISMA_QUERY_ENGINE_LIBRARY=placeholder,
        DATABASE_URL=provider_url,
    )
    return subprocess.run(
        ["node", str(PRISMA), "validate", "--schema", str(schema)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_good_examples_are_valid_prisma(rule, tmp_path):
    result = prisma_validate(rule.doc_sections()["good"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_clean_reference_schema_is_valid_prisma(tmp_path):
    result = prisma_validate(CLEAN_SCHEMA, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
