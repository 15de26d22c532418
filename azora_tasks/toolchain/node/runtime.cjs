// Shared plumbing for the JS side of `azora-tasks migrate`: find the monorepo's node_modules,
// read the database URL from the environment, keep the process from lingering, mask passwords.
"use strict";

const path = require("node:path");
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

/** The URL the schema engine should use: the tool sets AZORA_MIGRATE_DATABASE_URL; by hand, DATABASE_URL. */
function databaseUrl() {
  const url = process.env.AZORA_MIGRATE_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    throw new Error("no database URL: set DATABASE_URL (or AZORA_MIGRATE_DATABASE_URL) for the Prisma config of azora-tasks");
  }
  return url;
}

function providerOf(url) {
  if (url.startsWith("file:") || url.startsWith("sqlite:")) return "sqlite";
  if (url.startsWith("postgresql:") || url.startsWith("postgres:")) return "postgresql";
  if (url.startsWith("mysql:") || url.startsWith("mariadb:")) return "mysql";
  throw new Error(`unsupported database URL scheme in ${maskUrl(url)}`);
}

/** Replace the password of every URL in a text with ****. */
function maskUrl(text) {
  return String(text).replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]*@/gi, "$1****@");
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
        process.stderr.write(`[azora-tasks] cleanup failed: ${maskUrl(error && error.message)}\n`);
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

module.exports = { requireFromProject, resolveFromProject, requireBeside, databaseUrl, providerOf, maskUrl, unrefLongTimers, onShutdown };
