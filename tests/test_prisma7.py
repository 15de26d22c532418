"""Prisma 7 services next to Prisma 6 ones: which CLI each service gets, the generated config,
and the real 7.10.1 CLI validating, generating a client that runs, on a mixed 6 + 7 tree.

The 7 CLI takes seconds per call here, so the CLI runs in two tests; the rest is resolution."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.generate.render import render_body
from azora_tasks.generate.spec import ServiceSpec
from azora_tasks.manifest import load_manifest
from azora_tasks.toolchain.prisma_cli import PrismaError
from azora_tasks.toolchain.prisma_config import config_arguments, render_config
from azora_tasks.toolchain.versions import ToolchainResolver

REPO = Path(__file__).resolve().parent.parent
MODULES = REPO / "node_modules"
PRISMA6 = MODULES / "prisma" / "build" / "index.js"
PRISMA7 = MODULES / "prisma7" / "build" / "index.js"

MANIFEST = """\
[settings]
provider = "sqlite"
prisma_cli = "{cli}"
{extra}
[phases.1]
title = "Core"
[categories.core-infrastructure]
title = "Core"
target = 3
[services.legacy]
phase = 1
category = "core-infrastructure"
[services.modern]
phase = 1
category = "core-infrastructure"
[services.broken]
phase = 1
category = "core-infrastructure"
"""

SCHEMA6 = """\
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

generator client {
  provider   = "prisma-client-js"
  output     = "../generated/client"
  engineType = "client"
}

model Account {
  id    String @id @default(cuid())
  email String @unique
}
"""

# Hand-written Prisma 7 style: no url, `prisma-client` with output, cuid ids, no timestamps.
SCHEMA7 = """\
datasource db {
  provider = "sqlite"
}

generator client {
  provider = "prisma-client"
  output   = "../generated/client"
}

model Note {
  id    String @id @default(cuid())
  title String
}
"""


def _tree(root: Path, extra: str = "") -> Path:
    (root / "services.toml").write_text(MANIFEST.format(cli=PRISMA6.as_posix(), extra=extra), encoding="utf-8")
    for name, text in (("legacy", SCHEMA6), ("modern", SCHEMA7), ("broken", SCHEMA6)):
        schema = root / "services" / name / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True)
        schema.write_text(text, encoding="utf-8")
    for name in ("modern", "broken"):  # both ask for Prisma 7 in their own package.json
        (root / "services" / name / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "^7.10.1"}}))
    return root / "services.toml"


@pytest.fixture
def node_modules() -> Path:
    if shutil.which("node") is None and not os.environ.get("CI"):
        pytest.skip("node is not installed")
    for script in (PRISMA6, PRISMA7):
        if not script.is_file():
            pytest.fail(f"{script} is missing: run `npm ci` in {REPO} (package.json pins prisma7 as an npm alias)")
    return MODULES


def test_each_service_gets_its_own_major(tmp_path: Path, node_modules: Path) -> None:
    manifest = load_manifest(_tree(tmp_path))
    resolver = ToolchainResolver(manifest)
    chosen = {name: resolver.for_service(service) for name, service in manifest.services.items()}
    assert chosen["legacy"].cli.version == "6.19.3" and chosen["legacy"].source.startswith("monorepo")
    assert chosen["modern"].cli.version == "7.10.1" and chosen["modern"].source == "services/modern/package.json"
    assert chosen["modern"].needs_config and not chosen["legacy"].needs_config


def test_service_install_beats_package_json_and_settings(tmp_path: Path, node_modules: Path) -> None:
    manifest_path = _tree(tmp_path, extra="prisma_major = 7")
    own = tmp_path / "services" / "legacy" / "node_modules"
    own.mkdir()
    (own / "prisma").symlink_to(node_modules / "prisma")  # the service installed 6 itself
    manifest = load_manifest(manifest_path)
    resolver = ToolchainResolver(manifest)
    assert resolver.for_service(manifest.services["legacy"]).major == 6
    assert resolver.for_service(manifest.services["legacy"]).source == "services/legacy/node_modules/prisma"
    # settings.prisma_major = 7 reaches a service that says nothing itself
    (tmp_path / "services" / "broken" / "package.json").unlink()
    assert resolver.for_service(manifest.services["broken"]).cli.version == "7.10.1"


def test_prisma_8_is_refused_naming_the_file(tmp_path: Path, node_modules: Path) -> None:
    manifest_path = _tree(tmp_path)
    (tmp_path / "services" / "modern" / "package.json").write_text(json.dumps({"dependencies": {"@prisma/client": "8.0.0-rc.2"}}))
    manifest = load_manifest(manifest_path)
    with pytest.raises(PrismaError, match=r"services/modern/package.json: Prisma 8 is not supported.*\n  fix:"):
        ToolchainResolver(manifest).for_service(manifest.services["modern"])


def test_config_is_written_for_7_only_and_own_config_is_honoured(tmp_path: Path, node_modules: Path) -> None:
    manifest = load_manifest(_tree(tmp_path))
    resolver = ToolchainResolver(manifest)
    schema = tmp_path / "services" / "modern" / "prisma" / "schema.prisma"
    env: dict[str, str] = {}
    args = config_arguments(manifest, manifest.services["modern"], resolver.for_service(manifest.services["modern"]), schema, SCHEMA7, env)
    written = Path(args[1])
    assert args[0] == "--config" and written.read_text() == render_config(schema.resolve(), env["DATABASE_URL"])
    assert env["DATABASE_URL"] == f"file:{schema.parent.resolve() / 'modern.db'}"  # anchored like Prisma 6 does
    assert config_arguments(manifest, manifest.services["legacy"], resolver.for_service(manifest.services["legacy"]), schema, SCHEMA6, {}) == []
    own = tmp_path / "services" / "modern" / "prisma.config.ts"
    own.write_text("export default {}\n")
    fresh = ToolchainResolver(manifest).for_service(manifest.services["modern"])
    assert config_arguments(manifest, manifest.services["modern"], fresh, schema, SCHEMA7, {}) == ["--config", str(own)]


def test_generate_writes_prisma7_shape() -> None:
    spec = ServiceSpec(models=(), enums=(), source="test")
    seven = render_body(spec, service="s", description="", provider="postgresql", prisma_major=7)
    six = render_body(spec, service="s", description="", provider="postgresql")
    assert "url" not in seven and 'provider = "prisma-client"\n  output   = "../generated/client"' in seven
    assert 'url      = env("DATABASE_URL")' in six and "prisma-client-js" in six


@pytest.mark.prisma
def test_mixed_tree_validate_clients_and_a_7_client_runs(tmp_path: Path, node_modules: Path) -> None:
    """One command per task over a 6 + 7 tree; the 7 client creates and reads a row through its adapter."""
    manifest = _tree(tmp_path)
    # broken: a Prisma 7 service that still has `url` in its schema (P1012 on 7)
    (tmp_path / "node_modules" / "@prisma").mkdir(parents=True)
    (tmp_path / "node_modules" / "@prisma" / "client").symlink_to(node_modules / "@prisma" / "client")
    # the hoisted schema wasm: legacy (6) takes validate's batch path (its parity with `prisma validate` 6 is
    # tests/test_validate_engines.py); the 7 services still get their own 7 CLI in the same command
    (tmp_path / "node_modules" / "@prisma" / "prisma-schema-wasm").symlink_to(node_modules / "@prisma" / "prisma-schema-wasm")
    modern_modules = tmp_path / "services" / "modern" / "node_modules" / "@prisma"
    modern_modules.mkdir(parents=True)
    (modern_modules / "client").symlink_to(node_modules / "@prisma" / "client7")  # the service's own 7 runtime
    # modern keeps its own config (TypeScript, reads the URL the tool sets); broken gets a generated one
    own = tmp_path / "services" / "modern" / "prisma.config.ts"
    own.write_text('export default { schema: "prisma/schema.prisma", datasource: { url: process.env.DATABASE_URL as string } };\n')
    results = tmp_path / "validate.json"
    assert main(["validate", "--no-lint", "--manifest", str(manifest), "--json", str(results)]) == 1
    by_service = {r["service"]: r for r in json.loads(results.read_text())["runs"][0]["services"]}
    assert by_service["legacy"]["status"] == "ok" and by_service["modern"]["status"] == "ok"
    assert by_service["broken"]["status"] == "failed" and "P1012" in by_service["broken"]["summary"]
    assert "no longer supported" in by_service["broken"]["output"]
    assert "Loaded Prisma config from prisma.config.ts" in by_service["modern"]["output"]
    generated = tmp_path / ".azora-cache" / "prisma-config"
    assert sorted(p.name for p in generated.iterdir()) == ["broken.config.cjs"]

    clients = tmp_path / "clients.json"
    assert main(["clients", "--manifest", str(manifest), "--json", str(clients), "legacy", "modern"]) == 0
    details = {r["service"]: r["details"] for r in json.loads(clients.read_text())["runs"][0]["services"]}
    assert details["modern"]["prisma"] == "7.10.1" and details["legacy"]["prisma"] == "6.19.3"
    assert (tmp_path / "services" / "modern" / "generated" / "client" / "client.ts").is_file()
    assert (tmp_path / "services" / "legacy" / "generated" / "client" / "index.js").is_file()

    # generate writes a Prisma 7 schema for a service that asks for 7 and has none; migrate then takes the
    # 7 service with its own config (a TypeScript config reading the URL the tool sets) and the generated one
    # in one command (the worker on the 7 CLI's engine), and --status agrees. A 6 service next to a 7 one in
    # one migrate and one --status (with the 6 drift check, two Prisma 6 CLI calls) is
    # tests/migrate/test_prisma7_migrate.py::test_sqlite_fresh_second_migration_and_status_match_prisma_6.
    with manifest.open("a", encoding="utf-8") as handle:
        handle.write('[services.fresh7]\nphase = 1\ncategory = "core-infrastructure"\n')
    (tmp_path / "services" / "fresh7").mkdir()
    (tmp_path / "services" / "fresh7" / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "7.10.1"}}))
    assert main(["generate", "--manifest", str(manifest), "fresh7"]) == 0
    generated7 = (tmp_path / "services" / "fresh7" / "prisma" / "schema.prisma").read_text()
    assert "url" not in generated7.split("generator")[0] and 'provider = "prisma-client"' in generated7
    migrated = tmp_path / "migrate.json"
    assert main(["migrate", "--manifest", str(manifest), "--json", str(migrated), "modern", "fresh7"]) == 0
    states = {r["service"]: r for r in json.loads(migrated.read_text())["runs"][0]["services"]}
    for name in ("modern", "fresh7"):
        assert states[name]["status"] == "ok", states[name]
        assert len(list((tmp_path / f"services/{name}/prisma/migrations").glob("*_init/migration.sql"))) == 1
    assert (tmp_path / "services/modern/prisma/modern.db").is_file()  # the same per-service URL a 6 schema gets
    status = tmp_path / "status.json"
    assert main(["migrate", "--status", "--manifest", str(manifest), "--json", str(status), "modern", "fresh7"]) == 0
    states = {r["service"]: r["details"]["state"] for r in json.loads(status.read_text())["runs"][0]["services"]}
    assert states == {"modern": "up to date", "fresh7": "up to date"}
    assert main(["report", "--manifest", str(manifest)]) == 0

    script = textwrap.dedent(f"""
        const {{ createJiti }} = require({json.dumps(str(node_modules / "jiti"))});
        const {{ createClient }} = require({json.dumps(str(node_modules / "@libsql" / "client"))});
        const {{ PrismaLibSql }} = require({json.dumps(str(node_modules / "@prisma" / "adapter-libsql"))});
        (async () => {{
          const url = {json.dumps("file:" + str(tmp_path / "run.db"))};
          const raw = createClient({{ url }});
          await raw.execute('CREATE TABLE "Note" ("id" TEXT NOT NULL PRIMARY KEY, "title" TEXT NOT NULL)');
          raw.close();
          const {{ PrismaClient }} = await createJiti({json.dumps(str(tmp_path / "run.cjs"))}).import({json.dumps(str(tmp_path / "services/modern/generated/client/client.ts"))});
          const prisma = new PrismaClient({{ adapter: new PrismaLibSql({{ url }}) }});
          const made = await prisma.note.create({{ data: {{ title: "from prisma 7" }} }});
          const read = await prisma.note.findUnique({{ where: {{ id: made.id }} }});
          console.log(JSON.stringify(read));
          await prisma.$disconnect();
        }})().catch((e) => {{ console.error(e); process.exit(1); }});
    """)
    run = subprocess.run(["node", "-e", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    row = json.loads(run.stdout.strip().splitlines()[-1])
    assert row["title"] == "from prisma 7" and len(row["id"]) == 25  # a cuid made by the 7 client


def test_migrate_on_7_refusals_name_the_service_prisma_and_the_fix(tmp_path: Path, node_modules: Path) -> None:
    """What the worker cannot do on 7 (MySQL, --engine prisma, --reset) is refused before any database is touched."""
    from azora_tasks.migrate import prisma7

    manifest = load_manifest(_tree(tmp_path))
    toolchain = ToolchainResolver(manifest).for_service(manifest.services["modern"])
    assert prisma7.refusal(toolchain, "sqlite", "auto", "develop") is None
    assert prisma7.refusal(toolchain, "postgresql", "auto", "status") is None
    for provider, engine, mode, words in (
        ("mysql", "auto", "develop", "no offline migrate"),
        ("sqlite", "prisma", "develop", "native schema engine"),
        ("postgresql", "auto", "reset", "--reset"),
    ):
        refusal = prisma7.refusal(toolchain, provider, engine, mode)
        assert refusal and words in refusal and "Prisma 7.10.1" in refusal and "services/modern/package.json" in refusal and "fix:" in refusal


def test_doctor_prints_each_services_prisma(tmp_path: Path, node_modules: Path) -> None:
    manifest = _tree(tmp_path)
    out = tmp_path / "doctor.json"
    main(["doctor", "--manifest", str(manifest), "--json", str(out)])
    rows = {c["task"]: c for c in json.loads(out.read_text())["checks"] if c["task"].startswith("service:")}
    assert rows["service:legacy"]["version"] == "6.19.3" and rows["service:modern"]["version"] == "7.10.1"
    assert "services/modern/package.json" in rows["service:modern"]["note"] and "--config" in rows["service:modern"]["note"]


def test_cache_key_follows_the_services_prisma(tmp_path: Path, node_modules: Path) -> None:
    """A service moving from 6 to 7 in its own package.json must not replay its 6 verdict."""
    manifest = load_manifest(_tree(tmp_path))
    legacy = manifest.services["legacy"]
    before = ToolchainResolver(manifest).cache_key(legacy)
    (tmp_path / "services" / "legacy" / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "7.10.1"}}))
    after = ToolchainResolver(manifest).cache_key(legacy)
    assert before != after
    (tmp_path / "services" / "legacy" / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "8.1.0"}}))
    assert ToolchainResolver(manifest).cache_key(legacy).startswith("error: ")


ENGINE7_SCRIPT = r"""
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");
const { pathToFileURL } = require("node:url");
const modules = process.argv[1];
const req = createRequire(path.join(modules, "x.js"));
async function engine(gluePackage, wasmFile) {
  const glue = await import(pathToFileURL(path.join(modules, gluePackage, "schema_engine_bg.js")).href);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmFile)), { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const libsql = req("@prisma/adapter-libsql");
  const utils = createRequire(req.resolve("@prisma/adapter-libsql"))("@prisma/driver-adapter-utils");
  const factory = utils.bindMigrationAwareSqlAdapterFactory(new libsql.PrismaLibSql({ url: ":memory:" }));
  return { version: glue.version(), engine: await glue.SchemaEngine.new({ datamodels: undefined }, () => {}, factory) };
}
async function diff(e, content) {
  const r = await e.engine.diff({ from: { tag: "empty" }, to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] },
    script: true, shadowDatabaseUrl: null, exitCode: null, filters: { externalTables: [], externalEnums: [] } });
  return r.stdout;
}
(async () => {
  const [schema6, schema7] = JSON.parse(fs.readFileSync(0, "utf8"));
  const seven = await engine("@prisma/schema-engine-wasm7", path.join(modules, "prisma7/build/schema_engine_bg.wasm"));
  const six = await engine("@prisma/schema-engine-wasm", path.join(modules, "prisma/build/schema_engine_bg.wasm"));
  console.log(JSON.stringify({ version7: seven.version, sql7: await diff(seven, schema7), sql6: await diff(six, schema6) }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_7_cli_schema_engine_wasm_runs_with_the_pinned_glue(node_modules: Path) -> None:
    """The route for `migrate` on 7: the 7.10.1 CLI ships schema_engine_bg.wasm but not its JS glue, and no
    @prisma/schema-engine-wasm of its engine hash is published; the 7.10.0-7 glue (pinned as
    @prisma/schema-engine-wasm7) has exactly its imports. It must load the CLI's engine and write the same
    SQL as the 6.19.3 engine for the same models."""
    hash7 = json.loads((node_modules / "prisma7" / "node_modules" / "@prisma" / "engines-version" / "package.json").read_text())["prisma"]["enginesVersion"]
    payload = json.dumps(
        [SCHEMA6.replace(', engineType = "client"', ""), SCHEMA7.replace("model Note", "model Account").replace("title String", "email String @unique")]
    )
    run = subprocess.run(["node", "-e", ENGINE7_SCRIPT, str(node_modules)], input=payload, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["version7"] == hash7
    assert 'CREATE TABLE "Account"' in result["sql7"] and result["sql7"] == result["sql6"]


def test_7_client_without_a_7_runtime_is_refused_before_generating(tmp_path: Path, node_modules: Path) -> None:
    manifest = _tree(tmp_path)
    (tmp_path / "node_modules" / "@prisma").mkdir(parents=True)
    (tmp_path / "node_modules" / "@prisma" / "client").symlink_to(node_modules / "@prisma" / "client")  # 6.19.3 only
    out = tmp_path / "clients.json"
    assert main(["clients", "--manifest", str(manifest), "--json", str(out), "modern"]) == 1
    result = json.loads(out.read_text())["runs"][0]["services"][0]
    assert "for Prisma 7.10.1 is not installed" in result["summary"] and "found: 6.19.3" in result["summary"]
    assert "npm install -D @prisma/client@7.10" in result["output"]
    assert not (tmp_path / "services" / "modern" / "generated").exists()
