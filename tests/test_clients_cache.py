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

    # Three invalidation rules at once, each on its own service (a rule that reran more, or nothing, shows in the sets):
    # a schema edit (auth), a deleted output (course-service), a manifest entry change (user-service).
    schema = clients_repo / "services" / "auth" / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text() + "\n// edited\n")
    client = clients_repo / "services" / "course-service" / "generated" / "client"
    (client / "index.js").unlink()
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.user-service]\nphase = 1", '[services.user-service]\nphase = 1\ndescription = "Users"'))
    capsys.readouterr()
    assert main(["clients", "--dry-run", "--manifest", str(manifest)]) == 0
    output = capsys.readouterr().out
    reasons = {name: next(line for line in output.splitlines() if name in line) for name in services}
    assert "schema changed" in reasons["auth"] and "outputs missing or modified" in reasons["course-service"], output
    assert "changed" in reasons["user-service"] and "schema" not in reasons["user-service"], output
    assert "3 would run, 1 from cache" in output
    assert ran(run(clients_repo, "clients")[1]) == {"auth", "course-service", "user-service"}  # and the dry run recorded nothing
    assert (client / "index.js").is_file()

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


def test_client_settings_apply_without_editing_schemas_and_a_failing_schema_fails_alone(clients_repo: Path) -> None:
    """One batch run: [settings.clients] output and engine_type reach schemas without those lines (the switch to the
    client engine removes a stale library engine file), a schema's own output wins, and the one invalid schema
    fails alone while the others are generated by the same worker."""
    write_schema(clients_repo, "auth", NO_OUTPUT_SCHEMA)
    write_schema(clients_repo, "user-service", NO_OUTPUT_SCHEMA)
    write_schema(clients_repo, "search-service", INVALID_SCHEMA)
    folder = clients_repo / "services" / "auth" / "client-auth"
    folder.mkdir(parents=True)
    (folder / "libquery_engine-debian-openssl-3.0.x.so.node").write_bytes(b"\x7fELF stale engine from an earlier generate")
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[phases.1]", '[settings.clients]\noutput = "../client-{service}"\nengine_type = "client"\n\n[phases.1]'))
    code, services = run(clients_repo, "clients", "--engine", "batch", "--no-cache")
    assert code == 1
    assert services["search-service"]["status"] == "failed" and "Strin" in services["search-service"]["output"]
    assert {services[name]["status"] for name in ("auth", "user-service", "course-service")} == {"ok"}, services
    assert (folder / "index.js").is_file() and services["auth"]["details"]["runnable"] is True
    assert not [p.name for p in folder.iterdir() if "query_engine" in p.name]
    assert 'engineType = "client"' in (folder / "schema.prisma").read_text()
    assert (clients_repo / "services" / "user-service" / "client-user-service" / "index.js").is_file()
    assert (clients_repo / "services" / "course-service" / "generated" / "client" / "index.js").is_file()  # its own output wins
    assert (clients_repo / "services" / "auth" / "prisma" / "schema.prisma").read_text() == NO_OUTPUT_SCHEMA


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
    "course-service": NO_OUTPUT_SCHEMA,  # output and engine type from the manifest (settings applied)
}
COURSE_CLIENTS = '[services.course-service]\nphase = 2\nclients = { output = "../generated/client", engine_type = "client" }\n'


def test_batch_worker_writes_exactly_what_the_cli_writes(clients_repo: Path) -> None:
    for name, schema in ENGINE_SCHEMAS.items():
        write_schema(clients_repo, name, schema)
    manifest = clients_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace("[services.course-service]\nphase = 2\n", COURSE_CLIENTS))
    clients = {name: clients_repo / "services" / name / "generated" / "client" for name in ENGINE_SCHEMAS}
    assert run(clients_repo, "clients", *ENGINE_SCHEMAS, "--engine", "cli", "--no-cache")[0] == 0
    by_cli = {name: _tree(client) for name, client in clients.items()}
    assert 'engineType = "client"' in by_cli["user-service"]["schema.prisma"].decode()  # the shapes really differ
    assert 'engineType = "client"' not in by_cli["auth"]["schema.prisma"].decode()
    assert 'engineType = "client"' in by_cli["course-service"]["schema.prisma"].decode()
    settled = by_cli["course-service"]["index.js"]
    assert b"azora-clients" not in settled and b"/prisma/schema.prisma" in settled  # no trace of the temporary copy
    for client in clients.values():
        shutil.rmtree(client)
    code, services = run(clients_repo, "clients", *ENGINE_SCHEMAS, "--engine", "batch", "--no-cache")
    assert code == 0 and {services[name]["details"]["engine"] for name in ENGINE_SCHEMAS} == {"batch"}
    assert services["course-service"]["details"]["settings applied"] is True
    for name, client in clients.items():
        assert _tree(client) == by_cli[name], name
    assert sorted(p.name for p in (clients_repo / "services" / "course-service" / "prisma").iterdir()) == ["schema.prisma"]
