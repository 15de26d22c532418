"""`azora-tasks node init` and `azora-tasks doctor`: commands that work before (or without) a manifest."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from azora_tasks import doctor
from azora_tasks.atomic import write_text_atomically
from azora_tasks.manifest import Manifest, ManifestError, find_manifest, load_manifest
from azora_tasks.toolchain.packages import NodeSetupError, npm_install, plan_package_json

_STATUS_STYLE = {"ok": "green", "missing": "bold red", "mismatch": "bold red", "note": "yellow"}


def _optional_manifest(options: argparse.Namespace) -> Manifest | None:
    """The manifest when there is one; these commands also help before `manifest init`."""
    try:
        return load_manifest(options.manifest or find_manifest())
    except ManifestError as error:
        if options.manifest or error.key != "manifest":
            raise  # a given or broken manifest is an error; a missing one is not
        return None


def _write_json(options: argparse.Namespace, console: Console, data: object) -> None:
    if getattr(options, "json_path", None):
        write_text_atomically(options.json_path, json.dumps(data, indent=2) + "\n")
        console.print(f"results written to {escape(str(options.json_path))}")


def doctor_command(options: argparse.Namespace, console: Console) -> int:
    manifest = _optional_manifest(options)
    root = manifest.root if manifest else Path.cwd().resolve()
    checks = doctor.collect(root, manifest)
    table = Table(title=f"azora-tasks doctor: {root}" + ("" if manifest else " (no services.toml: defaults)"), title_justify="left")
    for column in ("task", "component", "version", "status", "where", "note"):
        table.add_column(column, overflow="fold")
    for check in checks:
        style = _STATUS_STYLE[check.status]
        version = check.version or "-"
        version = version if len(version) <= 20 else version[:20] + "…"  # the schema wasm's version is a commit hash
        table.add_row(check.task, check.component, version, f"[{style}]{check.status}[/{style}]", escape(check.where), escape(check.note))
    console.print(table)
    ok = doctor.healthy(checks)
    console.print("[bold green]OK[/] every task has what it needs" if ok else f"[bold red]not ready[/]: {doctor.FIX}, or see the notes above")
    _write_json(options, console, doctor.to_json(root, checks))
    return 0 if ok else 1


def _doctor_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # only the shared --manifest / --json / --no-color


def node_command(options: argparse.Namespace, console: Console) -> int:
    manifest = _optional_manifest(options)
    root = manifest.root if manifest else Path.cwd().resolve()
    try:
        plan = plan_package_json(root, force=options.force)
    except NodeSetupError as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    for name, version in plan.added.items():
        console.print(f"  add {name}@{version}")
    for name, (was, now) in plan.changed.items():
        console.print(f"  change {name}: {was} -> {now}")
    data = {
        "command": "node init",
        "package_json": str(plan.path),
        "added": plan.added,
        "changed": {k: list(v) for k, v in plan.changed.items()},
        "installed": False,
    }
    if options.dry_run:
        console.print(f"would write {escape(str(plan.path))} ({len(plan.added)} added, {len(plan.changed)} changed, {len(plan.kept)} already pinned)")
        _write_json(options, console, data)
        return 0
    current = plan.path.read_text(encoding="utf-8") if plan.path.is_file() else None
    if plan.text != current:
        write_text_atomically(plan.path, plan.text)
        console.print(f"wrote {escape(str(plan.path))} ({len(plan.added)} added, {len(plan.changed)} changed, {len(plan.kept)} already pinned)")
    if options.no_install:
        console.print("skipped `npm install` (--no-install): run it before using azora-tasks")
        _write_json(options, console, data)
        return 0
    console.print(f"running `npm install` in {escape(str(root))} ...")
    try:
        completed = npm_install(root)
    except NodeSetupError as error:
        console.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    if completed.returncode != 0:
        console.print(f"[bold red]npm install failed[/] (exit {completed.returncode}):\n{escape(completed.stderr.strip() or completed.stdout.strip())}")
        return 1
    data["installed"] = True
    checks = doctor.collect(root, manifest)
    data["healthy"] = doctor.healthy(checks)
    for check in checks:
        if check.status not in ("ok", "note"):
            console.print(f"[bold red]{check.status}[/] {escape(check.component)}: {escape(check.note)}")
    console.print(
        "[bold green]OK[/] Node side ready: `azora-tasks doctor` shows what each task uses"
        if data["healthy"]
        else "[bold red]not ready[/]: see `azora-tasks doctor`"
    )
    _write_json(options, console, data)
    return 0 if data["healthy"] else 1


def _node_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=["init"], help="init: add the pinned npm packages azora-tasks needs to the monorepo's package.json and run `npm install`"
    )
    parser.add_argument("--force", action="store_true", help="replace differing pins (e.g. another @prisma/client) with the tested ones")
    parser.add_argument("--no-install", action="store_true", help="only edit package.json; do not run `npm install`")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
