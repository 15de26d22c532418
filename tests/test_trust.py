"""Small things that make the tool trustworthy: file modes, empty schemas, `--json` everywhere, documented keys,
and the starting commands (`manifest init`, `discover`) on a tree the tool did not write."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cli import build_parser, main
from azora_tasks.manifest import (
    _SETTINGS_KEYS,
    ManifestError,
    find_manifest,
    load_manifest,
)
from azora_tasks.workflow import COMMANDS
from tests.conftest import REPO_ROOT, VALID_SCHEMA, write_schema
from tests.foreign_monorepo import build_foreign_monorepo


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        write_text_atomically(tmp_path / "new.txt", "x")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "new.txt") == 0o666 & ~umask


def test_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    for mode in (0o644, 0o755, 0o600, 0o664):
        path = tmp_path / f"file-{mode:o}"
        path.write_text("old")
        path.chmod(mode)
        write_text_atomically(path, "new")
        assert (path.read_text(), _mode(path)) == ("new", mode)


def test_generated_schema_and_page_are_not_private(monorepo: Path) -> None:
    manifest = monorepo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[categories.core]", "[categories.core-infrastructure]").replace('"core"', '"core-infrastructure"'))
    previous = os.umask(0o022)
    try:
        assert main(["generate", "auth", "--manifest", str(monorepo / "services.toml")]) == 0
        assert main(["report", "--manifest", str(monorepo / "services.toml")]) == 0
    finally:
        os.umask(previous)
    assert _mode(monorepo / "services" / "auth" / "prisma" / "schema.prisma") == 0o644
    assert _mode(monorepo / "docs" / "schema-progress.md") == 0o644


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "// nothing here yet\n\n"])
@pytest.mark.parametrize("lint_only", [False, True])
def test_empty_schema_is_invalid_with_a_clear_message(monorepo: Path, text: str, lint_only: bool, capsys: pytest.CaptureFixture[str]) -> None:
    if not lint_only and not (REPO_ROOT / "node_modules" / "prisma").is_dir():
        pytest.fail("run `npm ci` first")  # never skip: the Prisma path is the main path
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    write_schema(monorepo, "auth", text)
    results = monorepo / "r.json"
    args = ["validate", "auth", "--manifest", str(monorepo / "services.toml"), "--json", str(results), "--no-cache"]
    assert main(args + (["--lint-only"] if lint_only else [])) == 1
    entry = json.loads(results.read_text())["runs"][0]["services"][0]
    assert entry["status"] == "failed" and entry["summary"].startswith("empty schema: schema.prisma has no datasource")
    assert "fix:" in entry["summary"]
    out = monorepo / "page.json"
    main(["report", "--manifest", str(monorepo / "services.toml"), "--format", "json", "--output", str(out)])
    assert json.loads(out.read_text())["implemented"]["done"] == 0


def _commands_with_json() -> list[list[str]]:
    return [
        ["list"],
        ["cache", "info"],
        ["cache", "clear"],
        ["report", "--output", "{root}/page.md"],
        ["matrix", "--task", "validate"],
        ["manifest", "discover", "--dry-run"],
    ]


@pytest.mark.parametrize("command", _commands_with_json(), ids=lambda c: " ".join(c[:2]))
def test_json_is_honoured(monorepo: Path, command: list[str]) -> None:
    write_schema(monorepo, "auth", VALID_SCHEMA)
    target = monorepo / "out.json"
    args = [part.format(root=monorepo) for part in command]
    assert main([*args, "--manifest", str(monorepo / "services.toml"), "--json", str(target)]) == 0
    data = json.loads(target.read_text())
    assert data  # something real, checked per command below
    if command[0] == "list":
        assert {entry["service"]: entry["schema"] for entry in data["services"]}["auth"] is True
    if command[0] == "matrix":
        assert sorted(name for job in data["include"] for name in job["services"].split()) == ["auth", "course-service", "search-service", "user-service"]
    if command[0] == "report":
        assert data["total"] == 5
    if command[0] == "cache":
        assert "directory" in data
    if command[0] == "manifest":
        assert data["added"] == [] and data["written"] is False


def test_every_command_offering_json_is_tested() -> None:
    offered = {name for name in COMMANDS if "--json" in build_parser([name])._subparsers._group_actions[0].choices[name].format_help()}  # type: ignore[union-attr]
    tested = {command[0] for command in _commands_with_json()} | {"generate", "validate", "clients", "migrate"}  # tasks: results JSON
    assert offered - tested <= {"doctor", "node"}, offered - tested


def test_every_settings_key_is_documented() -> None:
    doc = (REPO_ROOT / "docs" / "manifest.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE))
    assert set(_SETTINGS_KEYS) <= documented | {"database_urls", "clients"}
    assert "### `[settings.database_urls]`" in doc and "### `[settings.clients]`" in doc
    for key in ("output", "engine_type"):
        assert f"| `{key}` |" in doc


def test_missing_manifest_suggests_a_command_that_exists(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as raised:
        find_manifest(tmp_path)
    assert "azora-tasks manifest init" in str(raised.value)


def test_manifest_init_writes_a_starter_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = build_foreign_monorepo(tmp_path, 6, link_node_modules=False)
    (tmp_path / "services" / "Bad Name").mkdir()
    assert main(["manifest", "init", "--manifest", str(tmp_path / "services.toml")]) == 0
    manifest = load_manifest(tmp_path / "services.toml")
    assert sorted(manifest.services) == sorted(names)
    assert manifest.settings.clients.output == "../generated/client" and manifest.settings.clients.engine_type == "client"
    assert list(manifest.categories) == ["services"] and manifest.settings.provider == "postgresql"
    out = capsys.readouterr().out
    for reason in ("Auth (differs only in case from auth)", "node_modules (tool folder", "Bad Name (not a safe service name)"):
        assert reason in out
    assert main(["manifest", "init", "--manifest", str(tmp_path / "services.toml")]) == 2  # never replaces one
    assert "already exists" in capsys.readouterr().out


def test_manifest_init_follows_the_schema_layout(tmp_path: Path) -> None:
    for name in ("api", "web"):
        schema = tmp_path / "apps" / name / "schema.prisma"
        schema.parent.mkdir(parents=True)
        schema.write_text(VALID_SCHEMA)
    assert main(["manifest", "init", "--manifest", str(tmp_path / "services.toml")]) == 0
    manifest = load_manifest(tmp_path / "services.toml")
    assert (manifest.settings.services_dir, manifest.settings.schema_path, manifest.settings.provider) == ("apps", "schema.prisma", "sqlite")
    assert manifest.settings.clients.output == "generated/client"  # inside each service folder


def test_discover_skips_node_modules_dot_folders_and_case_variants(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("billing", "Billing", "AUTH", "node_modules", ".git", ".turbo"):
        (monorepo / "services" / name).mkdir(parents=True)
    assert main(["manifest", "discover", "--manifest", str(monorepo / "services.toml")]) == 0
    manifest = load_manifest(monorepo / "services.toml")  # the tool accepts what it wrote
    added = set(manifest.services) - {"auth", "user-service", "course-service", "search-service"}
    assert added == {"billing"}
    out = capsys.readouterr().out
    assert "AUTH (differs only in case from auth)" in out and "Billing (differs only in case from billing)" in out
    assert "node_modules (tool folder, not a service)" in out and ".git" not in out
