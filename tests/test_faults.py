"""The fault matrix: every fault a user (or CI) can cause gives one clear error, the right exit code, and loses nothing.

Each test runs the `azora-tasks` command and asserts three things: the exit
code, the message text, and that no file was lost or half-written (schemas,
migrations, cache entries, the results JSON, the progress page). docs/faults.md
is the same table in prose. Rows with a signal, a killed child, a terminal or
nox run the real command in a subprocess (`python -m azora_tasks.cli`, with this
checkout first on PYTHONPATH), as does the manifest-folder row (a usage error
through the real entry point); the other rows run the same `main()` in this
process (`azora_here`: its environment, working folder, stdout and stderr, exit
code), where a subprocess would add only a Python start.

Where a child process must still be running when the signal arrives, the
Prisma CLI is replaced by a stand-in (`slow_cli`) that records its pid and
sleeps: the real CLI finishes in under a second, too fast to hit reliably.
Everything else -- the runner, the cache, the signal handling, the summary --
is the real code path.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from migrate.conftest import postgres_server  # noqa: F401 - the fixture: local PostgreSQL, or a throwaway one

from azora_tasks.cli import main
from tests.conftest import PRISMA_CLI, REPO_ROOT, VALID_SCHEMA, write_manifest, write_schema

SERVICES = ("auth", "user-service", "course-service", "search-service")
LATIN1_SCHEMA = "// Caf\xe9 service\n".encode("latin-1") + VALID_SCHEMA.encode()


# --- helpers -------------------------------------------------------------------------------------


def azora_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1", "CI": "true", **extra}
    env.pop("DATABASE_URL", None)
    return env


def azora(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300, manifest: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`azora-tasks ARGS --manifest ROOT/services.toml`, output captured (stdout and stderr together)."""
    command = [sys.executable, "-m", "azora_tasks.cli", *args, "--manifest", str(manifest or root / "services.toml")]
    return subprocess.run(command, cwd=root, env=env or azora_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False)


def azora_here(root: Path, *args: str, env: dict[str, str] | None = None, manifest: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`azora` in this process: the same arguments, environment and working folder, stdout and stderr together,
    the exit code (argparse's usage errors exit through SystemExit)."""
    command = [*args, "--manifest", str(manifest or root / "services.toml")]
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    output = io.StringIO()
    os.environ.clear()
    os.environ.update(env or azora_env())
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                code = main(command)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["azora-tasks", *command], code, output.getvalue())


def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "azora_tasks.cli", *args, "--manifest", str(root / "services.toml")]
    return subprocess.Popen(command, cwd=root, env=env or azora_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the monorepo, by relative path (node_modules excluded)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "node_modules" not in path.parts and not path.is_symlink()
    }


def assert_nothing_lost(root: Path, before: dict[str, bytes], *, may_change: tuple[str, ...] = ()) -> None:
    """Every file present before is still there, unchanged (unless listed), and no temp file was left behind."""
    after = snapshot(root)
    for name, data in before.items():
        if any(name.startswith(prefix) for prefix in may_change):
            continue
        assert name in after, f"{name} was lost"
        assert after[name] == data, f"{name} was changed"
    leftovers = [name for name in after if name.endswith(".tmp")]
    assert not leftovers, f"half-written temp files left behind: {leftovers}"
    for name, data in after.items():
        if name.endswith(".json"):
            json.loads(data)  # every JSON file (cache entries, results) is complete


def make_repo(root: Path, schemas: dict[str, str | bytes] | None = None) -> Path:
    write_manifest(root)
    for name, text in (schemas or {}).items():
        path = write_schema(root, name)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def valid_repo(root: Path) -> Path:
    return make_repo(root, {name: VALID_SCHEMA for name in SERVICES})


def results(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text())
    return {entry["service"]: entry for entry in data["runs"][0]["services"]}


def no_traceback(output: str) -> None:
    assert "Traceback" not in output and "internal error" not in output, output


# A stand-in Prisma CLI for signal tests: records its pid, then sleeps (the real one finishes too fast to hit).
SLOW_CLI = """\
const fs = require('fs');
fs.writeFileSync(require('path').join(process.env.AZORA_TEST_PIDS, String(process.pid)), process.argv.slice(2).join(' '));
setTimeout(() => process.exit(0), 60000);
"""


def slow_cli(root: Path) -> Path:
    """Point the manifest at the stand-in CLI; returns the folder where running children leave their pids."""
    cli = root / "fakeprisma"
    cli.mkdir()
    (cli / "package.json").write_text('{"name": "prisma", "version": "6.19.3"}')
    (cli / "index.js").write_text(SLOW_CLI)
    manifest = root / "services.toml"
    text = manifest.read_text()
    manifest.write_text(text.replace(f'prisma_cli = "{PRISMA_CLI.as_posix()}"', 'prisma_cli = "fakeprisma/index.js"'))
    pids = root / "pids"
    pids.mkdir()
    return pids


def wait_for_children(pids: Path, count: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(list(pids.iterdir())) < count:
        assert time.monotonic() < deadline, f"expected {count} running children, saw {len(list(pids.iterdir()))}"
        time.sleep(0.05)
    return [int(path.name) for path in pids.iterdir()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False


def cache_entries(root: Path, task: str) -> dict[str, dict]:
    folder = root / ".azora-cache" / task
    return {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")} if folder.is_dir() else {}


needs_node = pytest.mark.usefixtures("prisma_cli")


# --- rows of issue 15 ----------------------------------------------------------------------------


@needs_node
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_validate_cli_stops_children_and_caches_nothing_it_did_not_finish(tmp_path: Path, sig: signal.Signals) -> None:
    """Rows 'Ctrl-C during validate --engine cli' and 'SIGTERM': children stopped, summary + JSON written, nothing cached."""
    root = valid_repo(tmp_path)
    pids = slow_cli(root)
    out = root / "results.json"
    process = start(root, "validate", "--engine", "cli", "--no-lint", "-j", "2", "--json", str(out), env=azora_env(AZORA_TEST_PIDS=str(pids)))
    children = wait_for_children(pids, 2)
    before = snapshot(root)
    process.send_signal(sig)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 128 + sig, output
    assert "INTERRUPTED validate" in output and "4 cancelled" in output, output
    no_traceback(output)
    for pid in children:
        assert not alive(pid), f"child {pid} survived {sig.name}"
    data = json.loads(out.read_text())["runs"][0]
    assert data["interrupted"] is True and data["exit_code"] == 128 + sig and data["signal"] == sig.name
    assert {entry["status"] for entry in data["services"]} == {"cancelled"}
    assert cache_entries(root, "validate") == {}, "a cancelled run must never be cached"
    assert_nothing_lost(root, before, may_change=("results.json", "pids/"))


@needs_node
def test_a_killed_child_fails_its_service_once_and_is_not_cached(tmp_path: Path) -> None:
    """Row 'or a killed child': the service fails with the reason, the next run runs it again."""
    root = make_repo(tmp_path, {"auth": VALID_SCHEMA})
    pids = slow_cli(root)
    out = root / "results.json"
    process = start(root, "validate", "auth", "--engine", "cli", "--no-lint", "--json", str(out), env=azora_env(AZORA_TEST_PIDS=str(pids)))
    [child] = wait_for_children(pids, 1)
    os.kill(child, signal.SIGKILL)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1, output
    assert "killed by SIGKILL" in output, output
    no_traceback(output)
    assert results(out)["auth"]["status"] == "failed"
    assert cache_entries(root, "validate") == {}


def test_unwritable_cache_folder_warns_once_and_reports_correct_results(tmp_path: Path) -> None:
    """Row 'cache folder not writable' (a file where the folder should be: unwritable even for root)."""
    root = valid_repo(tmp_path)
    (root / ".azora-cache").write_text("not a folder\n")
    before = snapshot(root)
    out = root / "results.json"
    completed = azora_here(root, "validate", "--lint-only", "--json", str(out))
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout.count("warning: cache not updated") == 1, completed.stdout
    assert {entry["status"] for entry in results(out).values()} == {"ok"}
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before, may_change=("results.json",))


def test_cache_entry_with_an_unknown_status_is_a_miss(tmp_path: Path) -> None:
    """Row 'a cache entry that is valid JSON with an unknown status'."""
    root = make_repo(tmp_path, {"auth": VALID_SCHEMA})
    assert azora_here(root, "validate", "auth", "--lint-only").returncode == 0
    entry_path = root / ".azora-cache" / "validate-lint" / "auth.json"  # --lint-only results are cached apart from Prisma verdicts
    entry = json.loads(entry_path.read_text())
    entry["result"]["status"] = "exploded"
    entry_path.write_text(json.dumps(entry))
    out = root / "results.json"
    completed = azora_here(root, "validate", "auth", "--lint-only", "--json", str(out))
    assert completed.returncode == 0, completed.stdout
    no_traceback(completed.stdout)
    assert results(out)["auth"]["status"] == "ok" and results(out)["auth"]["cached"] is False
    assert json.loads(entry_path.read_text())["result"]["status"] == "ok", "the run replaces the bad entry"


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--lint-only"],
        ["validate", "--lint-only", "--no-cache"],
        ["validate", "--engine", "cli", "--no-lint"],
        ["clients", "--engine", "cli"],
        ["migrate"],
    ],
)
@needs_node
def test_a_non_utf8_schema_fails_only_its_service(tmp_path: Path, command: list[str]) -> None:
    """Row 'a non-UTF-8 schema.prisma in one service'."""
    root = make_repo(tmp_path, {"auth": LATIN1_SCHEMA, "user-service": VALID_SCHEMA})
    (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")  # clients resolves @prisma/client from the tree
    before = snapshot(root)
    out = root / "results.json"
    completed = azora_here(root, *command, "auth", "user-service", "--json", str(out))
    assert completed.returncode == 1, completed.stdout
    assert "services/auth/prisma/schema.prisma is not UTF-8 (byte 0xE9 at line 1, column 7)" in completed.stdout, completed.stdout
    no_traceback(completed.stdout)
    by_service = results(out)
    assert by_service["auth"]["status"] == "failed"
    assert by_service["user-service"]["status"] == "ok", by_service["user-service"]
    assert_nothing_lost(
        root, before, may_change=("results.json", "services/user-service/", ".azora-cache/", "services/auth/prisma/migrations", "services/auth/prisma/.azora")
    )
    assert (root / "services/auth/prisma/schema.prisma").read_bytes() == LATIN1_SCHEMA


def test_a_non_utf8_manifest_is_one_clear_error(tmp_path: Path) -> None:
    """Row 'non-UTF-8 services.toml'."""
    root = valid_repo(tmp_path)
    manifest = root / "services.toml"
    manifest.write_bytes(manifest.read_bytes().replace(b"# a small manifest for tests", b"# caf\xe9 manifest"))
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only")
    assert completed.returncode == 2, completed.stdout
    assert f"{manifest}:1: encoding: not UTF-8 (byte 0xE9 at line 1)" in completed.stdout, completed.stdout
    assert "fix: re-save the file as UTF-8" in completed.stdout
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


def test_a_manifest_path_that_is_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    """Row 'the manifest path is a folder'."""
    root = valid_repo(tmp_path)
    before = snapshot(root)
    completed = azora(root, "list", manifest=root / "services")
    assert completed.returncode == 2, completed.stdout
    assert "is a folder, not a file" in completed.stdout and "--manifest" in completed.stdout, completed.stdout
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


def test_node_missing_is_one_message_before_any_service_runs(tmp_path: Path) -> None:
    """Row '`node` not on PATH', for a CLI with no pinned Node above it (no node_modules/.bin/node)."""
    root = valid_repo(tmp_path)
    slow_cli(root)  # a CLI in <root>/fakeprisma: no node_modules anywhere above it
    before = snapshot(root)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    completed = azora_here(root, "validate", "--engine", "cli", env=azora_env(PATH=str(empty)))
    assert completed.returncode == 2, completed.stdout
    assert completed.stdout.count("Node.js (`node`) is not on PATH") == 1, completed.stdout
    assert "install Node.js" in completed.stdout
    assert "[1/4]" not in completed.stdout, "no service may run"
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


def test_a_pinned_node_runs_without_node_on_path(tmp_path: Path) -> None:
    """The repository pins Node in package.json: its node_modules/.bin/node runs the CLI with an empty PATH."""
    assert (PRISMA_CLI.parents[2] / ".bin" / "node").is_file(), "package.json pins `node`: run `npm ci`"
    root = valid_repo(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    completed = azora_here(root, "validate", "--engine", "cli", env=azora_env(PATH=str(empty)))
    assert completed.returncode == 0, completed.stdout
    assert "4 ok" in completed.stdout, completed.stdout


def test_json_pointing_at_a_folder_is_refused_before_the_run(tmp_path: Path) -> None:
    """Row '--json pointing at a folder'."""
    root = valid_repo(tmp_path)
    (root / "results").mkdir()
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only", "--json", str(root / "results"))
    assert completed.returncode == 2, completed.stdout
    assert f"--json: {root / 'results'} is a folder" in completed.stdout, completed.stdout
    assert "[1/4]" not in completed.stdout, "nothing may run"
    no_traceback(completed.stdout)
    assert not (root / ".azora-cache").exists()
    assert_nothing_lost(root, before)


@pytest.mark.parametrize("name", ["auth\\n", "auth\\t", "../x"])
def test_a_service_name_with_a_control_character_is_rejected_like_a_path(tmp_path: Path, name: str) -> None:
    """Row 'a service name with a control character' (and the `../x` it is compared with)."""
    root = make_repo(tmp_path)
    manifest = root / "services.toml"
    manifest.write_text(manifest.read_text() + f'\n[services."{name}"]\ncategory = "core"\n')
    before = snapshot(root)
    completed = azora_here(root, "generate")
    assert completed.returncode == 2, completed.stdout
    assert "is not a safe directory name" in completed.stdout, completed.stdout
    assert "fix: use letters, digits" in completed.stdout
    no_traceback(completed.stdout)
    assert not (root / "services").exists(), "no folder may be created"
    assert_nothing_lost(root, before)


@pytest.mark.parametrize("jobs", ["-3", "0", "two"])
def test_a_bad_job_count_is_rejected(tmp_path: Path, jobs: str) -> None:
    """Row '-j -3'."""
    root = valid_repo(tmp_path)
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only", "-j", jobs)
    assert completed.returncode == 2, completed.stdout
    assert "argument -j/--jobs:" in completed.stdout, completed.stdout
    assert "[1/4]" not in completed.stdout
    assert_nothing_lost(root, before)


@pytest.mark.parametrize("command", [["report"], ["validate", "--lint-only"], ["list"]])
def test_an_empty_manifest_is_an_error_and_the_page_is_not_overwritten(tmp_path: Path, command: list[str]) -> None:
    """Row 'an empty manifest'."""
    root = tmp_path
    (root / "services.toml").write_text('[settings]\nprovider = "sqlite"\n')
    page = root / "docs" / "schema-progress.md"
    page.parent.mkdir()
    page.write_text("# Schema progress\n\n12/190 implemented\n")
    before = snapshot(root)
    completed = azora_here(root, *command)
    assert completed.returncode == 2, completed.stdout
    assert "no services are declared" in completed.stdout and "manifest discover" in completed.stdout, completed.stdout
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


def test_an_empty_manifest_can_still_be_filled_by_discover(tmp_path: Path) -> None:
    """The one command an empty manifest needs keeps working."""
    (tmp_path / "services.toml").write_text('[settings]\nprovider = "sqlite"\ndefault_category = "core"\n\n[categories.core]\ntitle = "Core"\ntarget = 1\n')
    (tmp_path / "services" / "auth").mkdir(parents=True)
    completed = azora_here(tmp_path, "manifest", "discover")
    assert completed.returncode == 0, completed.stdout
    assert "[services.auth]" in (tmp_path / "services.toml").read_text()


BIG_SCHEMA_MODEL = textwrap.dedent("""
    model Thing{index} {{
      id        String   @id @default(uuid())
      name      String
      note      String?
      count     Int      @default(0)
      createdAt DateTime @default(now())
      updatedAt DateTime @updatedAt

      @@map("things_{index}")
    }}
    """)


def big_schema(megabytes: float) -> str:
    head = VALID_SCHEMA
    models = []
    size = len(head)
    index = 0
    while size < megabytes * 1_000_000:
        model = BIG_SCHEMA_MODEL.format(index=index)  # dedented once, not per model
        models.append(model)
        size += len(model)
        index += 1
    return head + "".join(models)


def wait_until_the_run_works(process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until the runner's pool thread exists (start-up, manifest and the run's set-up are over), then a moment for its work to start.

    Python starts no other thread before the run, so a second thread in /proc/<pid>/task is the run's.
    """
    deadline = time.monotonic() + timeout
    while len(os.listdir(f"/proc/{process.pid}/task")) < 2:
        assert process.poll() is None, "the command ended before its run started"
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.02)
    time.sleep(0.5)


def test_ctrl_c_during_the_lint_of_a_large_schema_stops_at_once(tmp_path: Path) -> None:
    """Row 'a lint on a 5 MB schema and Ctrl-C': stops within seconds, not minutes. 20 MB, so the (now linear) lint is still
    running when the signal comes even on a fast machine."""
    root = make_repo(tmp_path, {"auth": big_schema(20)})
    before = snapshot(root)
    out = root / "results.json"
    process = start(root, "validate", "--lint-only", "--no-cache", "--json", str(out))
    wait_until_the_run_works(process)  # the lint of 20 MB is then under way
    assert process.poll() is None, "the lint finished before the signal: the schema is too small to test this"
    process.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    output, _ = process.communicate(timeout=240)
    stopped_after = time.monotonic() - signalled
    assert process.returncode == 130, output
    assert stopped_after < 5, f"Ctrl-C took {stopped_after:.1f}s to stop the run"
    assert "INTERRUPTED validate" in output
    assert results(out)["auth"]["status"] == "cancelled"
    assert_nothing_lost(root, before, may_change=("results.json", ".azora-cache/"))


@pytest.mark.prisma
@needs_node
def test_the_migrate_prompt_pauses_the_live_bar(tmp_path: Path) -> None:
    """Row 'the migrate [y/N] prompt on a terminal': nothing is drawn over the question while it waits."""
    import pty
    import select

    root = make_repo(tmp_path, {"auth": VALID_SCHEMA})
    assert azora_here(root, "migrate").returncode == 0
    schema = root / "services/auth/prisma/schema.prisma"
    schema.write_text(VALID_SCHEMA.replace("  deletedAt DateTime?\n", ""))  # dropping a column: the guard asks
    before = snapshot(root)
    env = azora_env(COLUMNS="100", LINES="30", TERM="xterm")
    env.pop("CI")
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "azora_tasks.cli", "migrate", "--manifest", str(root / "services.toml")]
    process = subprocess.Popen(command, cwd=root, env=env, stdin=follower, stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)

    def read_for(seconds: float, until: bytes | None = None) -> bytes:
        data = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in data):
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    data += os.read(leader, 65536)
                except OSError:
                    break
        return data

    try:
        shown = read_for(120, until=b"[y/N] ")
        assert b"Apply it? [y/N] " in shown, shown.decode(errors="replace")
        assert b"migrate" in shown.split(b"Apply it?")[0], "the live bar was drawn before the question"
        while_asking = read_for(1.5)  # the bar refreshes 10x a second: unpaused, it would redraw here
        assert while_asking == b"", f"drawn over the prompt: {while_asking!r}"
        os.write(leader, b"n\n")
        rest = read_for(60, until=b"FAILED migrate")
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 1, rest.decode(errors="replace")
    assert b"blocked" in rest
    assert_nothing_lost(root, before, may_change=("services/auth/prisma/.azora", ".azora-cache/", "services/auth/prisma/migrations/migration_lock.toml"))
    assert snapshot(root).keys() - before.keys() <= {k for k in snapshot(root) if ".azora" in k}, "no migration may be written"


def test_nox_sessions_exit_1_but_keep_the_tools_message(tmp_path: Path) -> None:
    """Row 'nox sessions on bad input': nox's own exit code (1), documented; the tool's message is printed."""
    root = valid_repo(tmp_path)
    manifest = root / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.auth]", '[services.auth]\ncolour = "red"'))
    (root / "noxfile.py").write_text("import azora_tasks\nazora_tasks.register_sessions(manifest='services.toml')\n")
    before = snapshot(root)
    completed = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "validate", "--", "--lint-only"],
        cwd=root,
        env=azora_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout
    assert "unknown key 'colour'" in completed.stdout and "services.toml:" in completed.stdout, completed.stdout
    assert "exit code 2" in completed.stdout
    assert_nothing_lost(root, before, may_change=(".nox/",))


# --- faults the tool already handled (kept handled) ----------------------------------------------


def test_malformed_toml_names_file_line_and_fix(tmp_path: Path) -> None:
    root = valid_repo(tmp_path)
    manifest = root / "services.toml"
    manifest.write_text(manifest.read_text().replace('title = "Core"', 'title = "Core'))
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only")
    assert completed.returncode == 2, completed.stdout
    assert f"{manifest}:9: syntax:" in completed.stdout and "fix: fix the TOML syntax" in completed.stdout, completed.stdout
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


def test_unknown_key_names_the_key_and_line(tmp_path: Path) -> None:
    root = valid_repo(tmp_path)
    manifest = root / "services.toml"
    text = manifest.read_text().replace('description = "Authentication"', 'descripton = "Authentication"')
    manifest.write_text(text)
    line = text.splitlines().index('descripton = "Authentication"') + 1
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only")
    assert completed.returncode == 2, completed.stdout
    assert f"services.toml:{line}: services.auth.descripton: unknown key 'descripton'" in completed.stdout, completed.stdout
    assert "fix: remove it or use one of: category, description" in completed.stdout
    assert_nothing_lost(root, before)


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuch-service"], "nosuch-service"),
        (["--shard", "5/4"], "--shard"),
        (["--changed-since", "no-such-ref-i15"], "no-such-ref-i15"),
    ],
    ids=["unknown service", "bad shard", "bad ref"],
)
def test_bad_selection_is_exit_2_and_runs_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    root = valid_repo(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    before = snapshot(root)
    completed = azora_here(root, "validate", "--lint-only", *args)
    assert completed.returncode == 2, completed.stdout
    assert "error:" in completed.stdout and message in completed.stdout, completed.stdout
    assert "[1/" not in completed.stdout
    no_traceback(completed.stdout)
    assert_nothing_lost(root, before)


POSTGRES_SCHEMA = VALID_SCHEMA.replace('provider = "sqlite"', 'provider = "postgresql"')


@pytest.mark.prisma
@needs_node
@pytest.mark.parametrize(
    "url, message",
    [
        ("postgresql://postgres@127.0.0.1:1/i15_closed_port", "127.0.0.1:1"),
        ("{server}/i15_unknown_role", "i15_no_such_role"),
    ],
    ids=["closed database port", "unknown role"],
)
def test_database_connection_faults_fail_the_service_with_the_reason(tmp_path: Path, url: str, message: str, request: pytest.FixtureRequest) -> None:
    if "{server}" in url:  # a real server (local, or the throwaway one tests/migrate starts) that lacks the role
        server = request.getfixturevalue("postgres_server")
        url = url.format(server=server.replace("postgres@", "i15_no_such_role@"))
    root = make_repo(tmp_path, {"auth": POSTGRES_SCHEMA})
    manifest = root / "services.toml"
    manifest.write_text(manifest.read_text().replace('description = "Authentication"', f'description = "Authentication"\ndatabase_url = "{url}"'))
    before = snapshot(root)
    out = root / "results.json"
    completed = azora_here(root, "migrate", "auth", "--json", str(out))
    assert completed.returncode == 1, completed.stdout
    assert message in completed.stdout, completed.stdout
    no_traceback(completed.stdout)
    assert results(out)["auth"]["status"] == "failed"
    assert not (root / "services/auth/prisma/migrations").exists() or not any(p.is_dir() for p in (root / "services/auth/prisma/migrations").iterdir()), (
        "no migration may be written"
    )
    assert_nothing_lost(root, before, may_change=("results.json", "services/auth/prisma/"))


@pytest.mark.prisma
@needs_node
def test_status_of_a_missing_database_fails_and_creates_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"auth": VALID_SCHEMA})
    assert azora_here(root, "migrate").returncode == 0
    (root / "services/auth/prisma/auth.db").unlink()
    before = snapshot(root)
    out = root / "results.json"
    completed = azora_here(root, "migrate", "--status", "--json", str(out))
    assert completed.returncode == 1, completed.stdout
    assert "no database yet; 1 pending" in completed.stdout, completed.stdout
    assert not (root / "services/auth/prisma/auth.db").exists()
    assert_nothing_lost(root, before, may_change=("results.json",))


@pytest.mark.prisma
@needs_node
def test_a_destructive_change_is_blocked_when_nobody_can_be_asked(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"auth": VALID_SCHEMA})
    assert azora_here(root, "migrate").returncode == 0
    (root / "services/auth/prisma/schema.prisma").write_text(VALID_SCHEMA.replace("  deletedAt DateTime?\n", ""))
    before = snapshot(root)
    completed = azora_here(root, "migrate")
    assert completed.returncode == 1, completed.stdout
    assert "blocked" in completed.stdout and "--accept-data-loss" in completed.stdout, completed.stdout
    migrations = sorted(p.name for p in (root / "services/auth/prisma/migrations").iterdir() if p.is_dir())
    assert len(migrations) == 1 and migrations[0].endswith("_init"), migrations
    assert_nothing_lost(root, before, may_change=("services/auth/prisma/.azora", ".azora-cache/"))


@needs_node
@pytest.mark.parametrize("command", [["clients", "--engine", "cli"], ["migrate", "--engine", "prisma"]])
def test_ctrl_c_in_each_task_with_children(tmp_path: Path, command: list[str]) -> None:
    """Ctrl-C in clients and migrate (validate: above): exit 130, children stopped, JSON written, nothing half-written."""
    root = valid_repo(tmp_path)
    (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")  # clients checks the @prisma/client the tree loads
    pids = slow_cli(root)
    out = root / "results.json"
    process = start(root, *command, "-j", "2", "--json", str(out), env=azora_env(AZORA_TEST_PIDS=str(pids)))
    children = wait_for_children(pids, 2)
    before = snapshot(root)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130, output
    assert "INTERRUPTED" in output, output
    no_traceback(output)
    for pid in children:
        assert not alive(pid)
    assert {entry["status"] for entry in results(out).values()} == {"cancelled"}
    assert cache_entries(root, command[0]) == {}
    assert_nothing_lost(root, before, may_change=("results.json", "pids/", "services/"))
    for name in SERVICES:
        assert (root / f"services/{name}/prisma/schema.prisma").read_text() == VALID_SCHEMA


def test_ctrl_c_in_generate_leaves_every_schema_whole(tmp_path: Path) -> None:
    """generate runs in-process: whatever Ctrl-C interrupts, each schema is complete or absent, never half."""
    names = [f"svc-{index:03d}" for index in range(300)]
    (tmp_path / "services.toml").write_text(
        '[categories.core-infrastructure]\ntitle = "Core"\ntarget = 300\n\n'
        + "".join(f'[services.{name}]\ncategory = "core-infrastructure"\n\n' for name in names)
    )
    out = tmp_path / "results.json"
    process = start(tmp_path, "generate", "-j", "1", "--json", str(out))
    deadline = time.monotonic() + 60
    while not any((tmp_path / "services").glob("*/prisma/schema.prisma")) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode in (0, 130), output  # 0 only if it finished before the signal landed
    written = sorted((tmp_path / "services").glob("*/prisma/schema.prisma"))
    assert written, output
    reference = azora_here(tmp_path, "generate", "--dry-run", names[0])
    assert reference.returncode == 0
    for path in written:
        text = path.read_text()
        assert text.startswith("// ") and text.rstrip().endswith("}"), f"{path} is half-written"
    assert not list(tmp_path.rglob("*.tmp"))
    if out.exists():  # not written when the signal landed after the run, during the summary
        assert json.loads(out.read_text())["runs"][0]["exit_code"] == process.returncode
