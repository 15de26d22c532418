// Shared plumbing for the JS side of `azora-tasks migrate`: find the monorepo's node_modules,
// read the database URL from the environment, keep the process from lingering, mask passwords.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

/** Require a package from the monorepo (AZORA_NODE_ROOT, else the nearest folder up from cwd that has it). */
function requireFromProject(name) {
  const roots = [];
  if (process.env.AZORA_NODE_ROOT) roots.push(process.env.AZORA_NODE_ROOT);
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    roots.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const root of roots) {
    if (fs.existsSync(path.join(root, "node_modules", ...name.split("/")))) {
      return createRequire(path.join(root, "package.json"))(name);
    }
  }
  // Last resort: Node's own resolution from this file (works when installed next to the packages).
  return require(name);
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

module.exports = { requireFromProject, databaseUrl, providerOf, maskUrl, unrefLongTimers, onShutdown };
