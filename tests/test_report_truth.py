"""The progress page tells the truth: Prisma's verdict and the lint are separate, clients must be current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from azora_tasks.cli import main
from tests.conftest import REPO_ROOT, VALID_SCHEMA, write_schema

pytestmark = pytest.mark.prisma

# Prisma-valid, but breaks the checklist (a `cuid()` id with no timestamps: lint errors).
LINT_FAILING_SCHEMA = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../generated/client"
}

model Thing {
  id   Int    @id @default(autoincrement())
  Name String
}
"""


def _states(root: Path) -> dict:
    out = root / "page.json"
    assert main(["report", "--manifest", str(root / "services.toml"), "--format", "json", "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    return {"done": data["implemented"]["done"], **{s["service"]: s for s in data["states"]}}


@pytest.fixture
def repo(monorepo: Path, prisma_cli: Path) -> Path:
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    for name in ("auth", "user-service", "course-service", "search-service"):
        write_schema(monorepo, name, LINT_FAILING_SCHEMA if name != "auth" else VALID_SCHEMA)
    return monorepo


def test_lint_errors_never_lower_the_implemented_count(repo: Path) -> None:
    manifest = str(repo / "services.toml")
    assert main(["validate", "--manifest", manifest, "--json", str(repo / "v.json")]) == 1  # lint errors fail the run ...
    failed = [e for e in json.loads((repo / "v.json").read_text())["runs"][0]["services"] if e["status"] == "failed"]
    assert len(failed) == 3 and all("lint" in e["summary"] for e in failed)
    states = _states(repo)
    assert states["done"] == 4  # ... but all four are Prisma-valid, so all four are implemented
    assert states["user-service"]["valid"] is True and states["user-service"]["lint_clean"] is False
    assert states["auth"]["lint_clean"] is True


def test_lint_only_never_changes_valid(repo: Path) -> None:
    manifest = str(repo / "services.toml")
    assert main(["validate", "--lint-only", "--manifest", manifest]) == 1
    states = _states(repo)
    assert states["done"] == 0 and states["auth"]["valid"] is None and states["auth"]["state"] == "not validated"
    assert states["user-service"]["lint_clean"] is False  # the lint result is shown all the same

    main(["validate", "--no-lint", "--manifest", manifest])
    assert _states(repo)["done"] == 4
    write_schema(repo, "auth", VALID_SCHEMA.replace("String    @unique", "Strin     @unique"))  # now Prisma-invalid
    assert main(["validate", "--lint-only", "--manifest", manifest]) == 1
    states = _states(repo)
    assert states["auth"]["valid"] is True  # the --lint-only run did not decide validity (the schema changed since)
    assert main(["validate", "--no-lint", "--manifest", manifest]) == 1
    assert _states(repo)["auth"]["valid"] is False


def test_merged_lint_only_results_never_decide_validity(repo: Path) -> None:
    manifest = str(repo / "services.toml")
    main(["validate", "--lint-only", "--manifest", manifest, "--json", str(repo / "lint.json"), "--no-cache"])
    out = repo / "page.json"
    assert main(["report", "--manifest", manifest, "--format", "json", "--merge", str(repo / "lint.json"), "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["implemented"]["done"] == 0 and {s["valid"] for s in data["states"]} == {None}


def test_client_column_needs_the_services_own_current_client(repo: Path) -> None:
    manifest = str(repo / "services.toml")
    # What `npm ci` leaves behind: the placeholder `.prisma/client` (no schema in it).
    placeholder = REPO_ROOT / "node_modules" / ".prisma" / "client"
    assert placeholder.is_dir() and not (placeholder / "schema.prisma").exists()
    write_schema(repo, "search-service", VALID_SCHEMA.replace('  output   = "../generated/client"\n', ""))
    assert _states(repo)["search-service"]["client_generated"] is False  # the placeholder is not a client of it

    assert main(["clients", "auth", "user-service", "--manifest", manifest]) == 0
    states = _states(repo)
    assert states["auth"]["client_generated"] is True and states["user-service"]["client_generated"] is True
    assert states["course-service"]["client_generated"] is False  # never generated

    write_schema(repo, "auth", VALID_SCHEMA + "\n// edited after generation\n")
    assert _states(repo)["auth"]["client_generated"] is False  # stale: generated from an older schema
    shutil.rmtree(repo / "services" / "user-service" / "generated" / "client")
    assert _states(repo)["user-service"]["client_generated"] is False
