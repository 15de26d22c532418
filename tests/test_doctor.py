"""`doctor` judges the `@prisma/client` runtime the way `clients` does (one `runtime_matches`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azora_tasks.doctor import collect
from azora_tasks.toolchain.packages import CLIENT_RUNTIME, runtime_matches


def _install(root: Path, name: str, version: str) -> None:
    folder = root / "node_modules" / name
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": version}))


@pytest.mark.parametrize(
    ("runtime", "cli", "matches"),
    [("6.19.3", "6.19.3", True), ("6.19.2", "6.19.3", False), ("7.10.0", "7.10.1", True), ("7.9.0", "7.10.1", False), ("6.19.3", "7.10.1", False)],
)
def test_runtime_matches_exact_on_6_and_same_minor_on_7(runtime: str, cli: str, matches: bool) -> None:
    assert runtime_matches(runtime, cli) is matches


@pytest.mark.parametrize(("runtime", "status"), [("7.10.0", "mismatch-free"), ("7.9.2", "mismatch")])
def test_doctor_accepts_the_runtime_clients_accepts(tmp_path: Path, runtime: str, status: str) -> None:
    """A 7.10.1 CLI with the registry's 7.10.0 client runtime: `clients` generates and runs, so `doctor` must not say mismatch."""
    _install(tmp_path, "prisma", "7.10.1")
    _install(tmp_path, CLIENT_RUNTIME, runtime)
    row = next(check for check in collect(tmp_path, None) if check.component == CLIENT_RUNTIME)
    if status == "mismatch":
        assert row.status == "mismatch" and "generated clients are for 7.10.1" in row.note
    else:
        assert "generated clients are for" not in row.note
