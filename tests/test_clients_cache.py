"""`clients` with the real Prisma CLI, and every rule of the content-hash cache."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

from azora_tasks.cache import CacheStore
from azora_tasks.cli import main
from azora_tasks.results import ServiceResult, Status
from azora_tasks.toolchain.prisma_cli import ENGINE_PLACEHOLDER
from tests.conftest import INVALID_SCHEMA, REPO_ROOT, VALID_SCHEMA, write_schema

pytestmark = pytest.mark.prisma
NO_OUTPUT_SCHEMA = VALID_SCHEMA.replace('  output   = "../generated/client"\n', "")


@pytest.fixture
def clients_repo(monorepo: Path, prisma_cli: Path) -> Path:
    """The small monorepo with a schema per service and the repo's node_modules, as in a real monorepo."""
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    for service in ("auth", "user-service", "course-service", "search-service"):
        write_schema(monorepo, service)
    return monorepo


def run(root: Path, *args: str) -> tuple[int, dict[str, dict]]:
    results = root / "results.json"
    code = main([*args, "--manifest", str(root / "services.toml"), "--json", str(results)])
    services = {entry["service"]: entry for entry in json.loads(results.read_text())["runs"][0]["services"]}
    return code, services


def ran(services: dict[str, dict]) -> set[str]:
    """Services whose work really ran (a Prisma process), as opposed to replayed from the cache."""
    return {name for name, entry in services.items() if not entry["cached"]}


def test_clients_generate_per_service_then_cache_dry_run_and_each_invalidation_rule(clients_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One generated tree for every cache rule: all cached on a second run, a dry run that records nothing, then each invalidation.

    The first run (nothing cached) also warns about library-engine clients after the summary and writes no placeholder engine.
    """
    capsys.readouterr()
    code, services = run(clients_repo, "clients")
    assert code == 0
    assert ran(services) == {"auth", "user-service", "course-service", "search-service"}
    for name in services:
        assert (clients_repo / "services" / name / "generated" / "client" / "index.js").is_file()
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-2].startswith("warning: 4 clients use the library engine and cannot run here") and 'engine_type = "client"' in out[-1]
    placeholder = ENGINE_PLACEHOLDER.read_bytes()
    for name in services:
        folder = clients_repo / "services" / name / "generated" / "client"
        assert not [p for p in folder.rglob("*") if p.is_file() and p.read_bytes() == placeholder]

    code, services = run(clients_repo, "clients")
    assert code == 0
    assert ran(services) == set()
    assert all(entry["status"] == "ok" for entry in services.values())

    schema = clients_repo / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + "\n// edited\n")
    capsys.readouterr()
    assert main(["clients", "--dry-run", "--manifest", str(clients_repo / "services.toml")]) == 0
    output = capsys.readouterr().out
    assert "schema changed" in output and "1 would run, 3 from cache" in output
    assert ran(run(clients_repo, "clients")[1]) == {"auth"}  # the schema edit, and the dry run did not record anything

    client = clients_repo / "services" / "course-service" / "generated" / "client"
    (client / "index.js").unlink()
    assert ran(run(clients_repo, "clients")[1]) == {"course-service"}
    assert (client / "index.js").is_file()

    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.user-service]\nphase = 1", '[services.user-service]\nphase = 1\ndescription = "Users"'))
    assert ran(run(clients_repo, "clients")[1]) == {"user-service"}

    (clients_repo / "package-lock.json").write_text('{"packages": {"node_modules/prisma": {"version": "6.19.4"}}}')
    assert ran(run(clients_repo, "clients")[1]) == {"auth", "user-service", "course-service", "search-service"}

    assert ran(run(clients_repo, "clients", "--no-cache")[1]) == {"auth", "user-service", "course-service", "search-service"}


def test_a_cached_failure_is_still_a_failure(clients_repo: Path) -> None:
    write_schema(clients_repo, "auth", INVALID_SCHEMA)
    code, services = run(clients_repo, "validate", "auth")
    assert (code, services["auth"]["status"], services["auth"]["cached"]) == (1, "failed", False)
    code, services = run(clients_repo, "validate", "auth")
    assert (code, services["auth"]["status"], services["auth"]["cached"]) == (1, "failed", True)
    assert "Strin" in services["auth"]["output"]


def test_colliding_outputs_are_refused_with_the_fix(clients_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schema(clients_repo, "auth", NO_OUTPUT_SCHEMA)
    write_schema(clients_repo, "user-service", NO_OUTPUT_SCHEMA)
    capsys.readouterr()
    assert main(["clients", "--no-cache", "--no-color", "--manifest", str(clients_repo / "services.toml")]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3, lines  # problem, one finding for the one shared folder, one fix
    assert lines[1].strip().endswith("node_modules/.prisma/client: auth, user-service") and lines[1].strip().startswith("2 services write ")
    assert "[settings.clients]" in lines[2] and 'output = "../generated/client"' in lines[2]
    assert not (clients_repo / "services" / "course-service" / "generated").exists()  # nothing ran
    # The services that do not collide can still be generated on their own.
    code, services = run(clients_repo, "clients", "course-service", "--no-cache")
    assert code == 0 and services["course-service"]["status"] == "ok"


def test_client_settings_apply_without_editing_schemas(clients_repo: Path) -> None:
    write_schema(clients_repo, "auth", NO_OUTPUT_SCHEMA)
    write_schema(clients_repo, "user-service", NO_OUTPUT_SCHEMA)
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[phases.1]", '[settings.clients]\noutput = "../client-{service}"\n\n[phases.1]'))
    code, services = run(clients_repo, "clients", "--no-cache")
    assert code == 0, services
    assert (clients_repo / "services" / "auth" / "client-auth" / "index.js").is_file()
    assert (clients_repo / "services" / "user-service" / "client-user-service" / "index.js").is_file()
    assert (clients_repo / "services" / "course-service" / "generated" / "client" / "index.js").is_file()  # its own output wins
    assert (clients_repo / "services" / "auth" / "prisma" / "schema.prisma").read_text() == NO_OUTPUT_SCHEMA


def test_switching_to_the_client_engine_removes_stale_engine_files(clients_repo: Path) -> None:
    folder = clients_repo / "services" / "auth" / "generated" / "client"
    folder.mkdir(parents=True)
    (folder / "libquery_engine-debian-openssl-3.0.x.so.node").write_bytes(b"\x7fELF stale engine from an earlier generate")
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[phases.1]", '[settings.clients]\nengine_type = "client"\n\n[phases.1]'))
    code, services = run(clients_repo, "clients", "auth", "--no-cache")
    assert code == 0 and services["auth"]["details"]["runnable"] is True
    assert not [p.name for p in folder.iterdir() if "query_engine" in p.name]
    assert 'engineType = "client"' in (folder / "schema.prisma").read_text()


def _entry_file(root: Path) -> Path:
    return root / ".azora-cache" / "validate" / "auth.json"


def test_corrupted_entries_are_misses_not_crashes(clients_repo: Path) -> None:
    run(clients_repo, "validate", "auth")
    for garbage in ("{not json", "[]", '{"version": 1}', "", '{"version": 1, "inputs": {}, "result": {}}'):
        _entry_file(clients_repo).write_text(garbage)
        code, services = run(clients_repo, "validate", "auth")
        assert code == 0 and ran(services) == {"auth"}, garbage
    code, services = run(clients_repo, "validate", "auth")
    assert ran(services) == set()


def _hammer(directory: str, writer: int) -> None:
    store = CacheStore(Path(directory))
    for round_ in range(200):
        result = ServiceResult("auth", Status.OK, summary=f"writer {writer} round {round_} " + "x" * 2000)
        store.write("validate", result, {"schema": str(writer)}, [])


def test_concurrent_writers_leave_a_complete_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_hammer, args=(str(tmp_path), n)) for n in range(4)]
    for process in writers:
        process.start()
    store = CacheStore(tmp_path)
    reads = 0
    while any(process.is_alive() for process in writers):
        entry = store.read("validate", "auth")
        if entry is not None:
            reads += 1
            assert entry["result"]["summary"].startswith(f"writer {entry['inputs']['schema']} ")
    for process in writers:
        process.join()
        assert process.exitcode == 0
    assert reads > 0  # the loop above really read entries while writers replaced them (else it checked nothing)
    entry = store.read("validate", "auth")
    assert entry is not None and entry["result"]["status"] == "ok"
    assert not [p for p in (tmp_path / ".azora-cache" / "validate").iterdir() if p.name.endswith(".tmp")]


def test_cache_info_and_clear(clients_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(clients_repo, "validate")
    capsys.readouterr()
    assert main(["cache", "info", "--manifest", str(clients_repo / "services.toml")]) == 0
    assert "validate: 4 entries" in capsys.readouterr().out
    assert main(["cache", "clear", "--manifest", str(clients_repo / "services.toml")]) == 0
    assert "removed 4 cache entries" in capsys.readouterr().out
    assert not (clients_repo / ".azora-cache").exists()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


ENGINE_SCHEMAS = {  # one service per generator shape, generated by both engines in one run each
    "auth": VALID_SCHEMA,  # library engine
    "user-service": VALID_SCHEMA.replace('output   = "../generated/client"', 'output   = "../generated/client"\n  engineType = "client"'),
}


def test_batch_worker_writes_exactly_what_the_cli_writes(clients_repo: Path) -> None:
    for name, schema in ENGINE_SCHEMAS.items():
        write_schema(clients_repo, name, schema)
    clients = {name: clients_repo / "services" / name / "generated" / "client" for name in ENGINE_SCHEMAS}
    assert run(clients_repo, "clients", *ENGINE_SCHEMAS, "--engine", "cli", "--no-cache")[0] == 0
    by_cli = {name: _tree(client) for name, client in clients.items()}
    assert 'engineType = "client"' in by_cli["user-service"]["schema.prisma"].decode()  # the two shapes really differ
    assert 'engineType = "client"' not in by_cli["auth"]["schema.prisma"].decode()
    for client in clients.values():
        shutil.rmtree(client)
    code, services = run(clients_repo, "clients", *ENGINE_SCHEMAS, "--engine", "batch", "--no-cache")
    assert code == 0 and {services[name]["details"]["engine"] for name in ENGINE_SCHEMAS} == {"batch"}
    for name, client in clients.items():
        assert _tree(client) == by_cli[name], name


def test_batch_worker_isolates_a_failing_schema(clients_repo: Path) -> None:
    write_schema(clients_repo, "auth", INVALID_SCHEMA)
    code, services = run(clients_repo, "clients", "--engine", "batch", "--no-cache")
    assert code == 1
    assert services["auth"]["status"] == "failed" and "Strin" in services["auth"]["output"]
    assert {services[name]["status"] for name in ("user-service", "course-service", "search-service")} == {"ok"}


def test_with_settings_applied_batch_and_cli_write_the_same_client(clients_repo: Path) -> None:
    write_schema(clients_repo, "auth", NO_OUTPUT_SCHEMA)
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[phases.1]", '[settings.clients]\noutput = "../generated/client"\nengine_type = "client"\n\n[phases.1]'))
    client = clients_repo / "services" / "auth" / "generated" / "client"
    assert run(clients_repo, "clients", "auth", "--engine", "cli", "--no-cache")[0] == 0
    by_cli = _tree(client)
    shutil.rmtree(client)
    code, services = run(clients_repo, "clients", "auth", "--engine", "batch", "--no-cache")
    assert code == 0 and services["auth"]["details"]["settings applied"] is True
    assert _tree(client) == by_cli
    assert 'engineType = "client"' in by_cli["schema.prisma"].decode()
    assert b"azora-clients" not in by_cli["index.js"] and b"/prisma/schema.prisma" in by_cli["index.js"]
    assert sorted(p.name for p in (clients_repo / "services" / "auth" / "prisma").iterdir()) == ["schema.prisma"]
