"""The never-lose-work rules: create, rewrite only untouched generated files, keep hand work, --force backs up."""

from __future__ import annotations

import argparse
import io
import re
from datetime import datetime
from pathlib import Path

from azora_tasks.cli import main
from azora_tasks.generate.header import Ownership, ownership, with_header
from azora_tasks.manifest import Manifest, load_manifest
from azora_tasks.results import Status
from azora_tasks.tasks.generate import GenerateTask, build_generate, write_backup

FIXED = datetime(2025, 1, 10, 12, 0, 0)


def task(manifest: Manifest, **options: bool) -> GenerateTask:
    shown = io.StringIO()  # the sink the workflow injects (`options.show`); diffs land here, not on stdout
    namespace = argparse.Namespace(dry_run=options.get("dry_run", False), force=options.get("force", False), show=shown.write)
    work = build_generate(manifest, None, namespace)  # type: ignore[arg-type]
    work.clock = lambda: FIXED
    work.shown = shown  # type: ignore[attr-defined]
    return work


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_from_an_empty_tree_every_service_gets_a_schema_and_a_second_run_changes_no_byte(monorepo: Path) -> None:
    assert main(["generate", "--manifest", str(monorepo / "services.toml"), "--no-color"]) == 0
    manifest = load_manifest(monorepo / "services.toml")
    schemas = [manifest.schema_file(s) for s in manifest.services.values()]
    assert len(schemas) == 53 and all(p.is_file() for p in schemas)
    before = snapshot(monorepo)
    mtimes = {p: p.stat().st_mtime_ns for p in schemas}
    results = [task(manifest)(s) for s in manifest.services.values()]
    assert {(r.status, r.details["action"]) for r in results} == {(Status.OK, "unchanged")}
    assert snapshot(monorepo) == before
    assert {p: p.stat().st_mtime_ns for p in schemas} == mtimes


def test_selection_options_apply(monorepo: Path) -> None:
    assert main(["generate", "--manifest", str(monorepo / "services.toml"), "--phase", "1", "--no-color"]) == 0
    assert len(list((monorepo / "services").glob("*/prisma/schema.prisma"))) == 15
    assert main(["generate", "--manifest", str(monorepo / "services.toml"), "--category", "specialized", "--no-color"]) == 0
    assert (monorepo / "services/cold-chain-service/prisma/schema.prisma").is_file()


def test_generated_files_carry_a_hash_of_their_body(manifest: Manifest) -> None:
    result = task(manifest)(manifest.services["auth"])
    assert (result.status, result.details["action"]) == (Status.OK, "created")
    text = manifest.schema_file(manifest.services["auth"]).read_text(encoding="utf-8")
    assert text.startswith("// azora-tasks: generated, sha256=")
    assert ownership(text) is Ownership.GENERATED
    assert ownership(text.replace("model Session", "model Sessions")) is Ownership.HAND_EDITED
    assert ownership(text.split("\n", 1)[1]) is Ownership.HAND_WRITTEN


def test_an_untouched_generated_file_is_rewritten_when_the_manifest_changes(monorepo: Path) -> None:
    manifest = load_manifest(monorepo / "services.toml")
    auth = manifest.services["auth"]
    task(manifest)(auth)
    path = monorepo / "services.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('fields.lastLoginAt = "DateTime?"', 'fields.lastLoginAt = "DateTime?"\nfields.locale = "String = en"'),
        encoding="utf-8",
    )
    changed = load_manifest(path)
    result = task(changed)(changed.services["auth"])
    assert (result.status, result.details["action"]) == (Status.OK, "updated")
    text = changed.schema_file(auth).read_text(encoding="utf-8")
    assert re.search(r"\n  locale +String +@default\(\"en\"\)\n", text)
    assert ownership(text) is Ownership.GENERATED


def test_hand_edited_and_hand_written_schemas_are_left_alone(manifest: Manifest) -> None:
    auth, users = manifest.services["auth"], manifest.services["user-service"]
    task(manifest)(auth)
    edited = manifest.schema_file(auth).read_text(encoding="utf-8").replace("  name          String?\n", "  name          String? // display name\n")
    manifest.schema_file(auth).write_text(edited, encoding="utf-8")
    handwritten = 'datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n'
    manifest.schema_file(users).parent.mkdir(parents=True)
    manifest.schema_file(users).write_text(handwritten, encoding="utf-8")
    work = task(manifest)
    first, second = work(auth), work(users)
    assert (first.status, first.summary, first.details["action"]) == (Status.SKIPPED, "hand-edited: left alone", "kept")
    assert (second.status, second.summary, second.details["action"]) == (Status.SKIPPED, "hand-written: left alone", "kept")
    assert manifest.schema_file(auth).read_text(encoding="utf-8") == edited
    assert manifest.schema_file(users).read_text(encoding="utf-8") == handwritten
    assert not list(manifest.schema_file(auth).parent.glob("*.bak-*"))


def test_force_overwrites_only_after_a_backup_and_never_clobbers_a_backup(manifest: Manifest) -> None:
    auth = manifest.services["auth"]
    schema = manifest.schema_file(auth)
    schema.parent.mkdir(parents=True)
    schema.write_text("// mine, version 1\n", encoding="utf-8")
    first = task(manifest, force=True)(auth)
    assert (first.status, first.details["action"]) == (Status.OK, "overwritten")
    backup = manifest.root / first.details["backup"]
    assert backup.name == "schema.prisma.bak-20250110-120000"
    assert backup.read_text(encoding="utf-8") == "// mine, version 1\n"
    assert ownership(schema.read_text(encoding="utf-8")) is Ownership.GENERATED

    schema.write_text("// mine, version 2\n", encoding="utf-8")
    second = task(manifest, force=True)(auth)  # same timestamp: a new name, the first backup survives
    assert second.details["backup"].endswith("schema.prisma.bak-20250110-120000-1")
    assert backup.read_text(encoding="utf-8") == "// mine, version 1\n"
    assert (manifest.root / second.details["backup"]).read_text(encoding="utf-8") == "// mine, version 2\n"

    third = task(manifest, force=True)(auth)  # untouched generated file: nothing to back up
    assert third.details["action"] == "unchanged" and "backup" not in third.details


def test_write_backup_refuses_to_replace_existing_files(tmp_path: Path) -> None:
    schema = tmp_path / "schema.prisma"
    schema.write_text("new", encoding="utf-8")
    (tmp_path / "schema.prisma.bak-20250110-120000").write_text("old", encoding="utf-8")
    backup = write_backup(schema, FIXED)
    assert backup.name == "schema.prisma.bak-20250110-120000-1"
    assert (tmp_path / "schema.prisma.bak-20250110-120000").read_text(encoding="utf-8") == "old"


def test_dry_run_writes_nothing_and_shows_a_diff(monorepo: Path) -> None:
    manifest = load_manifest(monorepo / "services.toml")
    auth = manifest.services["auth"]
    work = task(manifest, dry_run=True)
    result = work(auth)
    assert (result.status, result.details["action"]) == (Status.OK, "created")
    assert "would be created" in result.summary
    assert not (monorepo / "services").exists()
    shown = work.shown.getvalue()  # type: ignore[attr-defined]
    assert shown.startswith("--- /dev/null\n+++ b/services/auth/prisma/schema.prisma\n")
    assert "+model RefreshToken {" in shown

    task(manifest)(auth)
    schema = manifest.schema_file(auth)
    schema.write_text(schema.read_text(encoding="utf-8").replace("model Session {", "model Session { // mine"), encoding="utf-8")
    before = snapshot(monorepo)
    forced = task(manifest, dry_run=True, force=True)
    result = forced(auth)
    assert result.details["action"] == "overwritten" and "backup" not in result.details
    assert "-model Session { // mine" in forced.shown.getvalue()  # type: ignore[attr-defined]
    assert snapshot(monorepo) == before


def test_dry_run_through_the_cli_writes_nothing(monorepo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["generate", "--manifest", str(monorepo / "services.toml"), "--dry-run", "--no-color", "auth"]) == 0
    assert "+model User {" in capsys.readouterr().out
    assert not (monorepo / "services").exists()


def test_with_header_round_trip() -> None:
    body = "model A {\n  id String @id\n}\n"
    assert ownership(with_header(body)) is Ownership.GENERATED
