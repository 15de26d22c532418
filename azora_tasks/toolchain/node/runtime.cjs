// Shared plumbing for the JS side of `azora-tasks migrate`: find the monorepo's node_modules,
// read the database target Python hands over, keep the process from lingering.
// No URL is parsed for its provider or file here, and nothing is masked: azora_tasks/database.py does both
// (it sets AZORA_DATABASE_PROVIDER / AZORA_MIGRATE_DATABASE_URL / AZORA_DATABASE_FILE and masks what Node says).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { createRequire } = require("node:module");

/** Folders to resolve packages from: AZORA_NODE_ROOT, then every folder up from cwd. */
function projectRoots() {
  const roots = [];
  if (process.env.AZORA_NODE_ROOT) roots.push(process.env.AZORA_NODE_ROOT);
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    roots.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  return roots;
}

/**
 * The file Node would load for `name` from the monorepo (AZORA_NODE_ROOT, else the nearest folder up
 * from cwd that resolves it), else from next to this file. Resolution is Node's own, so sub-paths
 * without an extension (`pg/lib/result` → `result.js`) and `exports` maps work when the package is
 * installed anywhere (an installed wheel has no node_modules next to it).
 */
function resolveFromProject(name) {
  for (const root of projectRoots()) {
    try {
      return createRequire(path.join(root, "package.json")).resolve(name);
    } catch (error) {
      if (!error || error.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  return require.resolve(name);
}

/** Require a package from the monorepo (see `resolveFromProject`). */
function requireFromProject(name) {
  return require(resolveFromProject(name));
}

/** Require `name` as the already-resolved package `owner` sees it (its own nested copy, if it has one). */
function requireBeside(owner, name) {
  return createRequire(resolveFromProject(owner))(name);
}

/** The schema file the CLI was given (`--schema x`), so a relative SQLite path resolves like Prisma's. */
function schemaDirectory() {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--schema" && argv[i + 1]) return path.dirname(path.resolve(argv[i + 1]));
    if (argv[i].startsWith("--schema=")) return path.dirname(path.resolve(argv[i].slice(9)));
  }
  const conventional = path.resolve("prisma", "schema.prisma");
  return fs.existsSync(conventional) ? path.dirname(conventional) : process.cwd();
}

/**
 * The database to use, as `{provider, url, file}` (file: SQLite only). The tool sets it (`Target.node_env()`
 * in azora_tasks/database.py); a person running Prisma by hand with this config sets only DATABASE_URL, and
 * the same Python code (`python -m azora_tasks.database SCHEMA_DIR`; AZORA_PYTHON, else python3) says
 * what it is: the provider and the file are never worked out here.
 */
function databaseTarget() {
  let env = process.env;
  if (!env.AZORA_DATABASE_PROVIDER) {
    if (!env.AZORA_MIGRATE_DATABASE_URL && !env.DATABASE_URL) throw new Error("no database URL: set DATABASE_URL for the Prisma config of azora-tasks");
    const python = env.AZORA_PYTHON || "python3";
    try {
      env = JSON.parse(execFileSync(python, ["-m", "azora_tasks.database", schemaDirectory()], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    } catch (error) {
      const why = (error && error.stderr && String(error.stderr).trim()) || (error && error.message) || String(error);
      throw new Error(`${python} -m azora_tasks.database could not describe DATABASE_URL (${why}): set AZORA_PYTHON to the Python azora-tasks is installed in`);
    }
  }
  return { provider: env.AZORA_DATABASE_PROVIDER, url: env.AZORA_MIGRATE_DATABASE_URL, file: env.AZORA_DATABASE_FILE || null };
}

/**
 * The wasm schema engine leaves a 10 s timer behind (its advisory-lock timeout) that keeps Node
 * alive after the command is done. Timers that long never matter for a CLI run: un-ref them.
 */
function unrefLongTimers(thresholdMs = 5000) {
  if (globalThis.__azoraTimersPatched) return;
  globalThis.__azoraTimersPatched = true;
  const original = globalThis.setTimeout;
  globalThis.setTimeout = function patchedSetTimeout(callback, ms, ...args) {
    const timer = original(callback, ms, ...args);
    if (typeof ms === "number" && ms >= thresholdMs && timer && typeof timer.unref === "function") timer.unref();
    return timer;
  };
}

/** Run `cleanup` once when the process is asked to stop (Ctrl-C, the tool's TERM) or exits. */
const cleanups = [];
let signalsInstalled = false;
function onShutdown(cleanup) {
  cleanups.push(cleanup);
  if (signalsInstalled) return;
  signalsInstalled = true;
  const runAll = async () => {
    const pending = cleanups.splice(0);
    for (const fn of pending) {
      try {
        await fn();
      } catch (error) {
        process.stderr.write(`[azora-tasks] cleanup failed: ${error && error.message}\n`);
      }
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      runAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  process.on("beforeExit", () => {
    if (cleanups.length) runAll();
  });
}

module.exports = { requireFromProject, resolveFromProject, requireBeside, databaseTarget, unrefLongTimers, onShutdown };
