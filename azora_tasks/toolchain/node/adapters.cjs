// Driver adapter factories for Prisma's WebAssembly schema engine (`engine: "js"`), one per provider,
// each with the cures for the engine/adapter bugs listed in docs/migrate.md. Nothing here needs a
// download: the adapters and drivers are plain npm packages pinned in the monorepo's package.json.
// SQL is never split here: every driver runs a whole script natively (libsql `executeMultiple`, `pg`'s
// simple query protocol, `mariadb` with `multipleStatements`), so `$$` bodies and `;` in comments are safe.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const { requireFromProject, requireBeside, onShutdown } = require("./runtime.cjs");

// The DDL Prisma's schema engine itself uses for its bookkeeping table on SQLite: one file, Python reads it too.
const SQLITE_MIGRATIONS_TABLE = readDdl("sqlite");

function readDdl(provider) {
  const text = require("node:fs").readFileSync(require("node:path").join(__dirname, "sql", `prisma_migrations.${provider}.sql`), "utf8");
  return text.split("\n").filter((line) => !line.startsWith("--")).join("\n").trim();
}

/** Wrap an adapter so some methods can be replaced while private fields keep working. */
function override(target, methods) {
  return new Proxy(target, {
    get(object, key) {
      if (Object.prototype.hasOwnProperty.call(methods, key)) return methods[key];
      const value = Reflect.get(object, key, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

// --- SQLite ---------------------------------------------------------------------------------

/**
 * libsql's execute() runs only the first statement of a script, and the engine sends whole migration
 * scripts through executeRaw (bogus drift). A raw command without arguments goes to executeScript, which
 * runs all of it (the engine ignores the affected-row count of its argument-less commands).
 */
function cureSqliteScripts(adapter) {
  return override(adapter, {
    async executeRaw(query) {
      if (!query.args || query.args.length === 0) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      return adapter.executeRaw(query);
    },
  });
}

/**
 * An in-memory SQLite factory for diffs in the migrate worker: a diff from empty touches no database,
 * and a diff from a migrations folder replays it into an in-memory shadow (nothing to drop).
 */
function sqliteScratchFactory() {
  const { PrismaLibSql } = requireFromProject("@prisma/adapter-libsql");
  const base = new PrismaLibSql({ url: ":memory:" });
  return {
    provider: "sqlite",
    adapterName: base.adapterName,
    connect: async () => cureSqliteScripts(await base.connect()),
    connectToShadowDb: async () => cureSqliteScripts(await base.connectToShadowDb()),
  };
}

/** `file`: the absolute path Python resolved (AZORA_DATABASE_FILE), never parsed from a URL here. */
function sqliteFactory(file) {
  const { PrismaLibSql } = requireFromProject("@prisma/adapter-libsql");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A file URL, percent-encoded: libsql parses it as a URL, so a raw `#` would start a fragment and a
  // raw `%` an escape (paths with `#`, `%` or spaces must work on every run).
  const base = new PrismaLibSql({ url: pathToFileURL(file).href });

  return {
    provider: "sqlite",
    adapterName: base.adapterName,
    async connect() {
      const adapter = await base.connect();
      // On a database without tables the engine does not recognise libsql's "no such table"
      // (P1014): create the bookkeeping table with the engine's own DDL first.
      const tables = await adapter.queryRaw({
        sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1",
        args: [],
        argTypes: [],
      });
      if (tables.rows.length === 0) {
        await adapter.executeScript(SQLITE_MIGRATIONS_TABLE);
      }
      return cureSqliteScripts(adapter);
    },
    async connectToShadowDb() {
      return cureSqliteScripts(await base.connectToShadowDb());
    },
  };
}

// --- PostgreSQL --------------------------------------------------------------------------------

/** `postgresql://u:p@h/db?schema=x` → pg config (search_path + the adapter's schema option). */
function postgresConfig(url) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") || undefined;
  for (const key of ["schema", "connection_limit", "pool_timeout", "connect_timeout", "sslaccept", "socket_timeout", "pgbouncer", "statement_cache_size"]) {
    parsed.searchParams.delete(key);
  }
  const config = {
    connectionString: parsed.toString(),
    // Without this the pool keeps Node alive for its idle timeout (~10 s) after every command.
    allowExitOnIdle: true,
    max: 4,
  };
  if (schema) config.options = `-c search_path="${schema.replace(/"/g, '""')}"`;
  return { config, schema, database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres" };
}

let pgPatched = false;
/**
 * pg_catalog's `"char"` columns (OID 18) fail to deserialize in the adapter: report them as text.
 * Patched on the copy of `pg` that @prisma/adapter-pg itself loads (it may have a nested one) and on
 * the monorepo's top-level copy, which the tool's own connections use.
 */
function patchPgCharType() {
  if (pgPatched) return;
  pgPatched = true;
  const copies = new Set();
  for (const load of [() => requireBeside("@prisma/adapter-pg", "pg/lib/result"), () => requireFromProject("pg/lib/result")]) {
    try {
      copies.add(load());
    } catch (error) {
      if (!error || error.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  if (copies.size === 0) throw new Error("cannot find pg/lib/result next to @prisma/adapter-pg: run `npm ci` in the monorepo root");
  for (const Result of copies) {
    const original = Result.prototype.addFields;
    Result.prototype.addFields = function addFields(fields) {
      for (const field of fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
      return original.call(this, fields);
    };
  }
}

function shadowName() {
  const prefix = process.env.AZORA_SHADOW_PREFIX || "prisma_shadow";
  return `${prefix}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`.toLowerCase().slice(0, 63);
}

// Shadow databases kept for reuse by a long-lived process (the migrate worker): DROP DATABASE forces a
// checkpoint on the server (seconds on a busy one), so one shadow per engine is emptied between diffs and
// dropped once, by `releaseShadows()` (the worker's "release-shadows" op) or on SIGTERM/SIGINT.
const retainedShadows = new Map(); // name -> { drop, busy }

async function releaseShadows() {
  const all = [...retainedShadows.values()];
  retainedShadows.clear();
  for (const shadow of all) await shadow.drop();
  return all.length;
}

/** Empty a reused shadow database: every non-system schema dropped, `public` (and `schema`) created again. */
async function emptyShadow(pg, connectionString, schema) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const found = await client.query(
      "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'",
    );
    for (const row of found.rows) await client.query(`DROP SCHEMA IF EXISTS "${row.nspname.replace(/"/g, '""')}" CASCADE`);
    await client.query('CREATE SCHEMA IF NOT EXISTS "public"');
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * PrismaPg's executeScript splits a script on every `;`, so a `$$` function body or a `;` in a comment
 * fails the migration (P3018). `pg` runs the whole script natively (simple query protocol), as Prisma's
 * native engine and node/pg_history.cjs do; `extra` adds other overrides.
 */
function pgWholeScripts(adapter, extra = {}) {
  return override(adapter, {
    async executeScript(script) {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (error) {
        adapter.onError(error);
      }
    },
    ...extra,
  });
}

let pgCopy = null;
/** The `pg` that @prisma/adapter-pg loads, `"char"` patched, resolved once per process (a batch read connects 190 times). */
function pgDriver() {
  if (pgCopy === null) {
    patchPgCharType();
    pgCopy = requireBeside("@prisma/adapter-pg", "pg");
  }
  return pgCopy;
}

function postgresFactory(url, { reuseShadow = false } = {}) {
  const pg = pgDriver();
  const { PrismaPg } = requireFromProject("@prisma/adapter-pg");
  const { config, schema } = postgresConfig(url);
  const options = schema ? { schema } : undefined;
  const base = new PrismaPg(config, options);
  const shadowUrlOf = (name) => {
    const shadowUrl = new URL(config.connectionString);
    shadowUrl.pathname = `/${name}`;
    return shadowUrl.toString();
  };

  /** A new, empty shadow database: { name, drop }. */
  async function createShadow() {
    const admin = new pg.Client({ ...config, options: undefined });
    await admin.connect();
    const name = shadowName();
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      const cleaner = new pg.Client({ ...config, options: undefined });
      await cleaner.connect();
      try {
        await cleaner.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleaner.end();
      }
    };
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    onShutdown(drop);
    // Same search_path and schema option as the main database, or migrations land in `public`
    // of the shadow while the datamodel is compared in `schema` (a bogus full diff).
    if (schema) await emptyShadow(pg, shadowUrlOf(name), schema);
    return { name, drop };
  }

  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => pgWholeScripts(await base.connect()),
    // PrismaPg's own shadow factory reuses the main database and drops its shadow before closing
    // the pool. Ours creates a uniquely named database, closes the pool, then drops it WITH (FORCE),
    // also when the process is stopped; SHADOW_DATABASE_URL is used as-is where the role can't CREATEDB.
    // With `reuseShadow` the database is emptied and kept for the next diff instead (see releaseShadows).
    async connectToShadowDb() {
      if (process.env.SHADOW_DATABASE_URL) {
        return pgWholeScripts(await new PrismaPg(postgresConfig(process.env.SHADOW_DATABASE_URL).config).connect());
      }
      let shadow = null;
      if (reuseShadow) {
        const key = `${config.connectionString}|${schema || ""}`;
        for (const [name, entry] of retainedShadows) {
          if (!entry.busy && entry.key === key) {
            await emptyShadow(pg, shadowUrlOf(name), schema);
            shadow = { name, drop: entry.drop };
            entry.busy = true;
            break;
          }
        }
        if (!shadow) {
          shadow = await createShadow();
          retainedShadows.set(shadow.name, { key, drop: shadow.drop, busy: true });
        }
      } else {
        shadow = await createShadow();
      }
      const pool = new pg.Pool({ ...config, connectionString: shadowUrlOf(shadow.name) });
      // DROP DATABASE ... WITH (FORCE) ends any connection still open to the shadow ("terminating connection
      // due to administrator command"): without a listener that error event would crash the process.
      pool.on("error", () => {});
      const adapter = await new PrismaPg(pool, { ...options, disposeExternalPool: false }).connect();
      return pgWholeScripts(adapter, {
        async dispose() {
          await adapter.dispose();
          await pool.end();
          const entry = retainedShadows.get(shadow.name);
          if (entry) entry.busy = false;
          else await shadow.drop();
        },
      });
    },
  };
}

// --- MySQL / MariaDB ---------------------------------------------------------------------------

function mysqlConfig(url) {
  const parsed = new URL(url.replace(/^mariadb:/, "mysql:"));
  return {
    host: parsed.hostname || "127.0.0.1",
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || "root"),
    password: decodeURIComponent(parsed.password || ""),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    connectionLimit: 4,
    prepareCacheLength: 0,
    multipleStatements: true,
  };
}

function mysqlFactory(url) {
  const mariadb = requireFromProject("mariadb");
  const { PrismaMariaDb } = requireFromProject("@prisma/adapter-mariadb");
  const config = mysqlConfig(url);

  // The MariaDB adapter has no executeScript (it throws "Not implemented yet") and no shadow factory.
  const cureScripts = (adapter, pool) =>
    override(adapter, {
      async executeScript(script) {
        const connection = await pool.getConnection();
        try {
          await connection.query(script); // the whole script: the pool has `multipleStatements`
        } catch (error) {
          const { DriverAdapterError } = requireFromProject("@prisma/driver-adapter-utils");
          throw new DriverAdapterError({
            kind: "mysql",
            code: error.errno ?? 0,
            message: error.sqlMessage ?? error.message,
            state: error.sqlState ?? "HY000",
            originalCode: String(error.errno ?? ""),
            originalMessage: error.sqlMessage ?? error.message,
          });
        } finally {
          await connection.release();
        }
      },
    });

  const open = async (database) => {
    const pool = mariadb.createPool({ ...config, database });
    const adapter = await new PrismaMariaDb(pool, { disposeExternalPool: true }).connect();
    return cureScripts(adapter, pool);
  };

  return {
    provider: "mysql",
    adapterName: "@prisma/adapter-mariadb",
    connect: () => open(config.database),
    async connectToShadowDb() {
      if (process.env.SHADOW_DATABASE_URL) {
        return open(mysqlConfig(process.env.SHADOW_DATABASE_URL).database);
      }
      const name = shadowName();
      const admin = await mariadb.createConnection({ ...config, database: undefined });
      try {
        await admin.query(`CREATE DATABASE \`${name}\``);
      } finally {
        await admin.end();
      }
      let dropped = false;
      const drop = async () => {
        if (dropped) return;
        dropped = true;
        const cleaner = await mariadb.createConnection({ ...config, database: undefined });
        try {
          await cleaner.query(`DROP DATABASE IF EXISTS \`${name}\``);
        } finally {
          await cleaner.end();
        }
      };
      onShutdown(drop);
      const adapter = await open(name);
      return override(adapter, {
        async dispose() {
          await adapter.dispose();
          await drop();
        },
      });
    },
  };
}

/** The adapter factory for a target `{provider, url, file}` from runtime.databaseTarget() (what `prisma.config.cjs` hands to the CLI). */
function adapterFactory(target) {
  if (target.provider === "sqlite") return sqliteFactory(target.file);
  if (target.provider === "postgresql") return postgresFactory(target.url);
  if (target.provider === "mysql") return mysqlFactory(target.url);
  throw new Error(`no driver adapter for provider ${target.provider}`);
}

module.exports = { readDdl, adapterFactory, postgresFactory, releaseShadows, sqliteScratchFactory, patchPgCharType, pgDriver, postgresConfig, mysqlConfig, SQLITE_MIGRATIONS_TABLE };
