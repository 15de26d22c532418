"""`migrate --lint` through the CLI: all migrations or only those changed since a git ref, reports, no Node needed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from azora_tasks.cli import main

MANIFEST = """\
[settings]
provider = "postgresql"
prisma_cli = "/nonexistent/prisma/build/index.js"

[settings.database_urls]
postgresql = "postgresql://postgres@127.0.0.1:5432/{db}"

[categories.core]
title = "Core"
target = 2

[services.auth]
category = "core"

[services.billing]
category = "core"
"""

SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id String @id @default(cuid())\n}\n'
INIT = 'CREATE TABLE "User" ("id" TEXT NOT NULL, "legacy" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
OLD_DROP = 'DROP TABLE "Obsolete";\n'


def _write(root: Path, service: str, name: str, sql: str) -> Path:
    path = root / "services" / service / "prisma" / "migrations" / name / "migration.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql)
    return path


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True, capture_output=True)


def _tree(root: Path) -> Path:
    (root / "services.toml").write_text(MANIFEST)
    for service in ("auth", "billing"):
        schema = root / "services" / service / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(SCHEMA)
        (schema.parent / "migrations").mkdir()
        (schema.parent / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
        _write(root, service, "20250101000000_init", INIT + 'CREATE TABLE "Obsolete" ("id" TEXT);\n')
        _write(root, service, "20250301000000_cleanup", OLD_DROP + "-- azora-lint-ignore-file DS102 retired in 2025\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return root


def _run(root: Path, capsys, *args: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    results = root / "results.json"
    code = main(["migrate", "--lint", *args, "--manifest", str(root / "services.toml"), "--json", str(results), "--no-color", "--no-cache"])
    out = capsys.readouterr().out
    data = json.loads(results.read_text()) if results.is_file() else {}
    return code, {entry["service"]: entry for entry in data["runs"][0]["services"]} if data else {}, out


def test_lint_all_then_only_changed_with_non_linear_history(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _tree(tmp_path)
    code, services, _ = _run(root, capsys)
    assert code == 0, services  # the old drop is suppressed for the whole file; no Prisma CLI needed for --lint
    assert services["auth"]["details"]["lint"]["linted"] == ["20250101000000_init", "20250301000000_cleanup"]
    assert services["auth"]["details"]["lint"]["suppressed"] == 1

    # a branch adds a migration that sorts before main's latest, and drops a column
    _write(root, "auth", "20250201000000_late", 'ALTER TABLE "User" DROP COLUMN "legacy";\n')
    sarif, junit, lint_json = root / "m.sarif", root / "m.xml", root / "m.json"
    code, services, out = _run(root, capsys, "--changed-since", "HEAD", "--sarif", str(sarif), "--junit", str(junit), "--lint-json", str(lint_json))
    assert code == 1
    assert list(services) == ["auth"]  # billing did not change
    lint = services["auth"]["details"]["lint"]
    assert lint["linted"] == ["20250201000000_late"]
    assert sorted(f["code"] for f in lint["findings"]) == ["AZM001", "DS103"]
    assert "services/auth/prisma/migrations/20250201000000_late/migration.sql:1:1: DS103 [column-dropped]" in out
    log = json.loads(sarif.read_text())
    assert [run["tool"]["driver"]["name"] for run in log["runs"]] == ["azora-migrate-lint"]
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in log["runs"][0]["results"]}
    assert ("DS103", "services/auth/prisma/migrations/20250201000000_late/migration.sql") in located
    assert "AZM001 non-linear-history" in junit.read_text()
    assert json.loads(lint_json.read_text())["lint"]["auth"]["counts"]["error"] == 2

    # suppress both inline: the gate passes again
    _write(
        root,
        "auth",
        "20250201000000_late",
        "-- azora-lint-ignore-file AZM001 hotfix backported from release-1\n"
        '-- azora-lint-ignore DS103 legacy is empty since the 2024 backfill\nALTER TABLE "User" DROP COLUMN "legacy";\n',
    )
    code, services, _ = _run(root, capsys, "--changed-since", "HEAD")
    assert code == 0, services["auth"]["output"]
    assert services["auth"]["details"]["lint"]["suppressed"] == 2


def test_lint_reports_bad_combinations_as_usage_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _tree(tmp_path)
    assert main(["migrate", "--lint", "--deploy", "--manifest", str(root / "services.toml")]) == 2
    assert "cannot be combined with --deploy" in capsys.readouterr().out


def test_lint_is_cached_and_replays(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _tree(tmp_path)
    manifest = str(root / "services.toml")
    assert main(["migrate", "--lint", "--manifest", manifest, "--json", str(root / "a.json")]) == 0
    assert main(["migrate", "--lint", "--manifest", manifest, "--json", str(root / "b.json")]) == 0
    second = json.loads((root / "b.json").read_text())["runs"][0]["services"]
    assert all(entry["cached"] for entry in second)
    _write(root, "auth", "20250401000000_more", 'ALTER TABLE "User" DROP COLUMN "legacy";\n')
    assert main(["migrate", "--lint", "--manifest", manifest, "--json", str(root / "c.json")]) == 1
    third = {entry["service"]: entry for entry in json.loads((root / "c.json").read_text())["runs"][0]["services"]}
    assert third["billing"]["cached"] and not third["auth"]["cached"]


def test_changed_since_asks_git_once_for_the_changes_and_once_for_the_base(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The selection's `git diff`/`ls-files` answer is reused for the migrations to lint, and one `git ls-tree -r`
    gives every service's base-ref migrations (was: the diff again, and one ls-tree per service)."""
    root = _tree(tmp_path)
    for service in ("auth", "billing"):
        _write(root, service, "20250201000000_late", 'ALTER TABLE "User" DROP COLUMN "legacy";\n')
    calls: list[str] = []
    real_run = subprocess.run

    def counting(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        if args[0] == "git":
            calls.append(args[1])
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    code, services, _ = _run(root, capsys, "--changed-since", "HEAD")
    assert code == 1 and sorted(services) == ["auth", "billing"]
    for service in ("auth", "billing"):
        lint = services[service]["details"]["lint"]
        assert lint["linted"] == ["20250201000000_late"] and "AZM001" in {f["code"] for f in lint["findings"]}  # base ref's names were known
    assert sorted(calls) == ["diff", "ls-files", "ls-tree"]
