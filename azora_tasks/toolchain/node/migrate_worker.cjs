// One long-lived Node process that diffs Prisma datamodels to SQL with Prisma's own WebAssembly schema
// engine — the engine `prisma migrate diff` runs with `engine: "js"` — so `azora-tasks migrate` pays
// Node's start-up once per run instead of once per service.
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
//   {"id": 1, "op": "hello", "cli": "<node_modules/prisma/build/index.js>"}
//     -> {"id": 1, "ok": true, "engine": "<@prisma/schema-engine-wasm version>", "wasm": "<sha256>"}
//   {"id": 4, "op": "diff", "provider": "postgresql"|"sqlite", "url": "<target URL (postgresql)>", "cli": "...",
//    "migrations": "<migrations folder>" | null (= from empty), "files": [[path, text]]}
//     -> {"id": 4, "ok": true, "sql": "<what `migrate diff --from-migrations|--from-empty … --to-schema-datamodel … --script` writes>"}
//        (from a migrations folder on PostgreSQL the engine replays it into a shadow database that the
//        adapter factory creates and always drops: see node/adapters.cjs)
//   {"op": "pg-ensure", "url"} -> {"created": bool};
//   {"op": "pg-status", "urls": [...], "catalog": bool, "concurrency": n} -> {"results": [{"ok": true, "database": bool,
//     "rows": [...] | null (no table), "catalog": "<hash>" | null} | {"ok": false, "context", "code", "message"}]}
//     (every selected database read in one request, a few connections at a time; the no-op check and --status)
//   {"op": "pg-position", "url"} -> {"position": "<system id>/<start time>/<transaction snapshot>" | null}
//     (equal positions: no transaction wrote on the server in between; migrate/positions.py)
//   {"op": "pg-apply", "url", "migrations": [{name, sql, checksum}]} -> {"applied": [...], "before", "after", "fresh"}
//     (node/pg_history.cjs: Prisma's `_prisma_migrations` rows, one transaction, Prisma's advisory lock)
//   errors: {"id": n, "ok": false, "context": "pin"|"engine"|"protocol"|"worker", "message": "..."}
//     (messages leave unmasked: azora_tasks/toolchain/worker.py masks them before anything shows them)
//
// Pinning (the engine's JS API is internal to Prisma): the worker loads @prisma/schema-engine-wasm
// (a dependency of @prisma/internals) and refuses to diff unless its .wasm is byte-identical to the
// one the pinned CLI ships (`<cli dir>/schema_engine_bg.wasm`), so its SQL is the CLI's SQL. It is
// loaded the way the CLI loads it: the ESM glue module, a WebAssembly.Instance, `__wbindgen_start`,
// then `SchemaEngine.new({datamodels}, log, adapterFactory)` with a migration-aware adapter factory
// (libsql in memory for SQLite: a diff between an empty schema and a datamodel touches no database).
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { serve, failure } = require("./jsonl.cjs");
const { unrefLongTimers } = require("./runtime.cjs");
const pgHistory = require("./pg_history.cjs");

unrefLongTimers();
const { createRequire } = require("node:module");
const { pathToFileURL } = require("node:url");

const root = process.argv[2] || process.cwd();

/** Require from the pinned CLI's node_modules first, then the monorepo's, then next to this file. */
function requireFor(cli) {
  const bases = [];
  if (cli) bases.push(cli);
  bases.push(path.join(root, "package.json"), __filename);
  return (name) => {
    let lastError;
    for (const base of bases) {
      try {
        return { module: createRequire(base)(name), resolve: (sub) => createRequire(base).resolve(sub) };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };
}

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

const loadedByCli = new Map(); // cli -> { SchemaEngine, version, wasmHash, ... }: a mixed 6 + 7 run loads both

/** The CLI's major version, from the package.json next to its build/ folder (0 when unknown). */
function cliMajor(cli) {
  try {
    return Number(JSON.parse(fs.readFileSync(path.join(path.dirname(cli), "..", "package.json"), "utf8")).version.split(".")[0]);
  } catch {
    return 0;
  }
}

/**
 * Prisma 7: the CLI ships build/schema_engine_bg.wasm without its JS glue and no @prisma/schema-engine-wasm of
 * its engine hash is published, so the CLI's own wasm is instantiated with the glue pinned as
 * `@prisma/schema-engine-wasm7`, after checking that the glue provides every import the wasm asks for (the SQL
 * is the CLI's engine's: tests/test_prisma7*.py compare it with 6.19.3's).
 */
function checkImports(wasmModule, glue, wasmPath, gluePath) {
  const missing = WebAssembly.Module.imports(wasmModule).filter((entry) => typeof glue[entry.name] !== "function").map((entry) => entry.name);
  if (missing.length) {
    throw Object.assign(new Error(`${gluePath} lacks ${missing.length} import(s) of ${wasmPath} (${missing.slice(0, 3).join(", ")}): pin the @prisma/schema-engine-wasm7 matching the Prisma 7 CLI`), { context: "pin" });
  }
}

async function loadEngine(cli) {
  if (loadedByCli.has(cli)) return loadedByCli.get(cli);
  const find = requireFor(cli);
  const seven = cli ? cliMajor(cli) >= 7 : false;
  const gluePackage = seven ? "@prisma/schema-engine-wasm7" : "@prisma/schema-engine-wasm";
  let gluePath;
  for (const base of [cli, path.join(root, "package.json"), __filename].filter(Boolean)) {
    try {
      gluePath = createRequire(base).resolve(`${gluePackage}/schema_engine_bg`);
      break;
    } catch {
      // next base
    }
  }
  if (!gluePath) throw Object.assign(new Error(`${gluePackage} is not installed (run \`npm ci\`)`), { context: "pin" });
  const cliWasm = cli ? path.join(path.dirname(cli), "schema_engine_bg.wasm") : null;
  if (!cliWasm || !fs.existsSync(cliWasm)) {
    throw Object.assign(new Error(`the Prisma CLI at ${cli} ships no schema_engine_bg.wasm to pin against`), { context: "pin" });
  }
  // Prisma 7: the CLI's own engine; 5/6: the package's engine, which must be byte-identical to the CLI's.
  const wasmPath = seven ? cliWasm : path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
  const wasmHash = sha256(wasmPath);
  if (!seven && sha256(cliWasm) !== wasmHash) {
    throw Object.assign(new Error(`${wasmPath} differs from the CLI's ${cliWasm}: install the @prisma/schema-engine-wasm version matching the pinned prisma`), { context: "pin" });
  }
  const glue = await import(pathToFileURL(gluePath).href);
  const wasmModule = new WebAssembly.Module(fs.readFileSync(wasmPath));
  if (seven) checkImports(wasmModule, glue, wasmPath, gluePath);
  const instance = new WebAssembly.Instance(wasmModule, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const packageJson = JSON.parse(fs.readFileSync(path.join(path.dirname(gluePath), "package.json"), "utf8"));
  const version = seven && typeof glue.version === "function" ? glue.version() : packageJson.version;
  const loaded = { cli, glue, find, version, wasmHash, engines: new Map() };
  loadedByCli.set(cli, loaded);
  return loaded;
}

/**
 * The adapter factory one engine is built on. SQLite: libsql in memory (a diff from empty or from a
 * migrations folder replays into an in-memory shadow). PostgreSQL: the tool's own factory for the
 * server's maintenance database (the engine connects to it but diffs never write there); its shadow
 * databases are created per diff and always dropped (`connectToShadowDb` in node/adapters.cjs).
 */
function adapterFactory(find, provider, url) {
  const { resolveFromProject } = require("./runtime.cjs");
  if (provider === "sqlite") {
    const { sqliteScratchFactory } = require("./adapters.cjs");
    // The driver-adapter-utils the adapter itself uses, so its error types match.
    const utils = createRequire(resolveFromProject("@prisma/adapter-libsql"))("@prisma/driver-adapter-utils");
    return utils.bindMigrationAwareSqlAdapterFactory(sqliteScratchFactory());
  }
  if (provider === "postgresql") {
    if (!url) throw Object.assign(new Error("a PostgreSQL diff needs the target's URL"), { context: "protocol" });
    const { postgresFactory } = require("./adapters.cjs");
    const utils = createRequire(resolveFromProject("@prisma/adapter-pg"))("@prisma/driver-adapter-utils");
    return utils.bindMigrationAwareSqlAdapterFactory(postgresFactory(url, { reuseShadow: true }));
  }
  throw Object.assign(new Error(`no schema-engine adapter for ${provider}`), { context: "engine" });
}

/** One engine per provider (SQLite) or per server + `?schema=` (PostgreSQL), reused for the whole run. */
function engineKey(provider, url) {
  if (provider !== "postgresql") return { key: provider, url: null };
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  const maintenance = new URL(`${parsed.protocol}//${parsed.host}`);
  maintenance.username = parsed.username;
  maintenance.password = parsed.password;
  maintenance.pathname = `/${process.env.AZORA_MAINTENANCE_DB || "postgres"}`;
  for (const [key, value] of parsed.searchParams) if (key !== "schema") maintenance.searchParams.set(key, value);
  if (schema) maintenance.searchParams.set("schema", schema);
  return { key: maintenance.toString(), url: maintenance.toString() };
}

async function engineFor(state, provider, url) {
  const { key, url: engineUrl } = engineKey(provider, url);
  if (!state.engines.has(key)) {
    const log = () => {};
    // `migrate diff` constructs the engine without a schema context (datamodels undefined).
    const created = Promise.resolve(state.glue.SchemaEngine.new({ datamodels: undefined }, log, adapterFactory(state.find, provider, engineUrl)));
    state.engines.set(key, created);
    created.catch(() => state.engines.delete(key));
  }
  return state.engines.get(key);
}

/** The migrations folder as the CLI hands it to the engine (`--from-migrations`). */
function readMigrations(folder) {
  const lockfile = { path: "migration_lock.toml", content: null };
  try {
    lockfile.content = fs.readFileSync(path.join(folder, "migration_lock.toml"), "utf8");
  } catch {
    // no lock file: the engine accepts null
  }
  let entries = [];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    entries = [];
  }
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      let content;
      try {
        content = { tag: "ok", value: fs.readFileSync(path.join(folder, entry.name, "migration.sql"), "utf8") };
      } catch (error) {
        content = { tag: "error", value: error.message };
      }
      return { path: entry.name, migrationFile: { path: "migration.sql", content } };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: folder, lockfile, migrationDirectories, shadowDbInitScript: "" };
}

async function diff(request) {
  const state = await loadEngine(request.cli);
  let engine;
  try {
    engine = await engineFor(state, request.provider, request.url);
  } catch (error) {
    return failure(error, "connect");
  }
  const files = request.files.map(([file, content]) => ({ path: file, content }));
  const from = request.migrations ? { tag: "migrations", ...readMigrations(request.migrations) } : { tag: "empty" };
  let result;
  try {
    result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files },
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
  } catch (error) {
    return failure(error, "engine");
  }
  // The CLI writes the engine's stdout to --output unchanged (nothing when it is empty).
  return { ok: true, sql: result.stdout || "" };
}

async function hello(request) {
  const state = await loadEngine(request.cli);
  return { ok: true, engine: state.version, wasm: state.wasmHash, pid: process.pid };
}

/** Errors from pg_history keep their context and code (NodeWorker.request masks every message in Python). */
function guarded(fn) {
  return async (request) => {
    try {
      return await fn(request);
    } catch (error) {
      return failure(error, "database");
    }
  };
}

const handlers = {
  hello,
  diff,
  "pg-ensure": guarded(pgHistory.ensureDatabase),
  "pg-status": guarded(pgHistory.status),
  "pg-apply": guarded(pgHistory.apply),
  "pg-position": guarded(pgHistory.position),
  // Before the worker is closed: drop the shadow databases kept for reuse (node/adapters.cjs).
  "release-shadows": guarded(async () => ({ ok: true, dropped: await require("./adapters.cjs").releaseShadows() })),
  ping: async () => ({ ok: true, pid: process.pid }),
};

// When stdin closes (the tool finished, or died without sending "release-shadows"), the shared server
// exits at once: drop the shadow databases kept for reuse first.
const exitNow = process.exit.bind(process);
process.exit = (code) => {
  require("./adapters.cjs")
    .releaseShadows()
    .catch(() => {})
    .finally(() => exitNow(code));
};

serve(handlers);
// Started ahead of the run (azora_tasks/toolchain/warm.py): load `pg` while the first request is still
// being prepared, so the first database read starts at once. A failure here is the first request's to report.
if (process.env.AZORA_WORKER_PRELOAD === "pg") {
  setImmediate(() => {
    try {
      pgHistory.preload();
    } catch {
      // reported by the request that needs it
    }
  });
}
