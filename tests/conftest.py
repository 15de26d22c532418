"""Shared fixtures: a small, valid manifest in a temporary monorepo, and the real Prisma CLI."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parent.parent
PRISMA_CLI = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"

SMALL_MANIFEST = """\
# a small manifest for tests
[settings]
services_dir = "services"
schema_path = "prisma/schema.prisma"
provider = "sqlite"
prisma_cli = "{prisma_cli}"

[phases.1]
title = "Core"

[phases.2]
title = "Education"

[categories.core]
title = "Core Infrastructure"
target = 3

[categories.education]
title = "Education Platform"
target = 2

[services.auth]
phase = 1
category = "core"
description = "Authentication"

[services.user-service]
phase = 1
category = "core"

[services.course-service]
phase = 2
category = "education"

[services.search-service]
category = "core"
"""

VALID_SCHEMA = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../generated/client"
}

model User {
  id        String    @id @default(uuid())
  email     String    @unique
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
  deletedAt DateTime?

  @@map("users")
}
"""

INVALID_SCHEMA = VALID_SCHEMA.replace("email     String    @unique", "email     Strin     @unique")
assert INVALID_SCHEMA != VALID_SCHEMA


def write_manifest(root: Path, text: str | None = None) -> Path:
    path = root / "services.toml"
    path.write_text(textwrap.dedent(text) if text else SMALL_MANIFEST.format(prisma_cli=PRISMA_CLI.as_posix()), encoding="utf-8")
    return path


def write_schema(root: Path, service: str, text: str = VALID_SCHEMA) -> Path:
    path = root / "services" / service / "prisma" / "schema.prisma"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A temporary monorepo root holding the small manifest and no schemas yet."""
    write_manifest(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def prisma_cli() -> Path:
    """The pinned Prisma CLI; the README's test command installs it with `npm ci`."""
    if shutil.which("node") is None:
        missing("node is not installed: the Prisma CLI cannot run here")
    if not PRISMA_CLI.is_file():
        missing(f"{PRISMA_CLI} is missing: run `npm ci` in {REPO_ROOT} first (the README's test command does)")
    return PRISMA_CLI


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[str]:
    """`mysql://root@host:port` of a real MariaDB: the running one, else a throw-away one (tests/servers.py)."""
    from tests.servers import mariadb

    with mariadb() as url:
        yield url
