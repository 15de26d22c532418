// PostgreSQL bookkeeping for the `migrate` fast paths, done with plain `pg` inside the one migrate
// worker (no Prisma CLI process): create the database, read and write Prisma's `_prisma_migrations`
// exactly as Prisma's schema engine does, and hash the live schema's catalog (drift check).
//
// Compatibility with `prisma migrate deploy`/`status` (so Prisma agrees with what is written here):
//   * the same advisory lock, pg_advisory_lock(72707369), held while reading and applying;
//   * the engine's own DDL for `_prisma_migrations`, in the URL's `?schema=` (search_path);
//   * one row per migration: uuid id, checksum = sha256 hex of migration.sql, started_at/finished_at,
//     logs NULL, rolled_back_at NULL, applied_steps_count 1;
//   * a migration counts as applied when a row has finished_at set and rolled_back_at NULL; a row with
//     neither (Prisma's failed migration) blocks everything (P3009).
// Unlike Prisma, every pending migration of a database is applied in ONE transaction: a failing script
// rolls back everything, so no failed row (and no half-applied migration) is ever left behind.
"use strict";

const crypto = require("node:crypto");
const { requireBeside } = require("./runtime.cjs");
const { postgresConfig, patchPgCharType } = require("./adapters.cjs");

const PRISMA_LOCK_ID = 72707369;
const LOCK_WAIT_MS = Number(process.env.AZORA_MIGRATE_LOCK_WAIT_MS || 600000);
// The DDL Prisma's schema engine runs on PostgreSQL for its bookkeeping table.
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const quote = (name) => `"${String(name).replace(/"/g, '""')}"`;

function pgModule() {
  patchPgCharType();
  return requireBeside("@prisma/adapter-pg", "pg");
}

/** A tagged error the Python side turns into a one-line summary. */
function fail(context, message, extra = {}) {
  return Object.assign(new Error(message), { context, ...extra });
}

/** Connection errors in words: a refused connection is not "cannot create database". */
function describeConnectError(error, config) {
  const where = (() => {
    try {
      const url = new URL(config.connectionString);
      return `${url.hostname || "localhost"}:${url.port || 5432}`;
    } catch {
      return "the server";
    }
  })();
  if (error && (error.code === "ECONNREFUSED" || error.code === "ENOTFOUND" || error.code === "ETIMEDOUT" || error.code === "EHOSTUNREACH")) {
    return fail("connect", `cannot connect to PostgreSQL at ${where} (${error.code}): is the server running?`, { code: error.code });
  }
  if (error && error.code === "28P01") return fail("connect", `PostgreSQL at ${where} refused the password (28P01)`, { code: error.code });
  if (error && error.code === "28000") return fail("connect", `PostgreSQL at ${where} refused the role (28000): ${error.message}`, { code: error.code });
  return error;
}

async function connect(url, database) {
  const pg = pgModule();
  const { config, schema } = postgresConfig(url);
  const connection = new URL(config.connectionString);
  if (database !== undefined) connection.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: connection.toString(), connectionTimeoutMillis: 15000 });
  try {
    await client.connect();
  } catch (error) {
    throw describeConnectError(error, config);
  }
  if (schema && database === undefined) await client.query(`SET search_path TO ${quote(schema)}`);
  return client;
}

/** Create the database (and `?schema=`) if missing. Created meanwhile by someone else is not a failure. */
async function ensureDatabase(request) {
  const { schema, database } = postgresConfig(request.url);
  const maintenance = process.env.AZORA_MAINTENANCE_DB || (database === "postgres" ? "template1" : "postgres");
  let created = false;
  const admin = await connect(request.url, maintenance);
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${quote(database)}`);
        created = true;
      } catch (error) {
        // 42P04 duplicate_database; 23505 when two CREATE DATABASE race on pg_database's unique index.
        if (error.code !== "42P04" && error.code !== "23505") {
          throw fail("create", `cannot create database ${database}: ${error.message} (${error.code})`, { code: error.code });
        }
      }
    }
  } finally {
    await admin.end();
  }
  if (schema) {
    const client = await connect(request.url, database);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
    } catch (error) {
      if (error.code !== "42P06" && error.code !== "23505") throw error;
    } finally {
      await client.end();
    }
  }
  return { ok: true, created };
}

/** The schema's structure (tables, columns, indexes, constraints, enums), hashed: equal hashes, no drift. */
async function catalogHash(client, schema) {
  const result = await client.query(
    `SELECT json_build_object(
      'tables', (SELECT coalesce(json_agg(t ORDER BY t), '[]') FROM (SELECT table_name || ' ' || table_type AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_prisma_migrations') s),
      'columns', (SELECT coalesce(json_agg(c ORDER BY c), '[]') FROM (SELECT concat_ws('|', table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale, datetime_precision) AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations') s),
      'indexes', (SELECT coalesce(json_agg(indexdef ORDER BY indexdef), '[]') FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'),
      'constraints', (SELECT coalesce(json_agg(c ORDER BY c), '[]') FROM (SELECT cl.relname || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid) AS c FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = $1 AND cl.relname <> '_prisma_migrations') s),
      'enums', (SELECT coalesce(json_agg(e ORDER BY e), '[]') FROM (SELECT t.typname || '.' || lpad(e.enumsortorder::text, 12) || '.' || e.enumlabel AS e FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1) s)
    ) AS catalog`,
    [schema],
  );
  const catalog = result.rows[0].catalog;
  const empty = catalog.tables.length === 0 && catalog.enums.length === 0;
  return { hash: crypto.createHash("sha256").update(JSON.stringify(catalog)).digest("hex"), empty };
}

async function readRows(client) {
  try {
    const result = await client.query(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at, migration_name',
    );
    return result.rows.map((row) => ({
      ...row,
      finished_at: row.finished_at && row.finished_at.toISOString(),
      rolled_back_at: row.rolled_back_at && row.rolled_back_at.toISOString(),
      started_at: row.started_at && row.started_at.toISOString(),
    }));
  } catch (error) {
    if (error && error.code === "42P01") return null; // undefined_table
    throw error;
  }
}

async function withPrismaLock(client, fn) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const got = await client.query("SELECT pg_try_advisory_lock($1) AS locked", [PRISMA_LOCK_ID]);
    if (got.rows[0].locked) break;
    if (Date.now() > deadline) throw fail("lock", `another migration held Prisma's lock on this database for ${LOCK_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await fn();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_LOCK_ID]).catch(() => {});
  }
}

/** Database present? Its `_prisma_migrations` rows and catalog hash. Read-only. */
async function status(request) {
  const { schema, database } = postgresConfig(request.url);
  let client;
  try {
    client = await connect(request.url);
  } catch (error) {
    if (error && error.code === "3D000") return { ok: true, database: false, rows: null }; // invalid_catalog_name
    throw error;
  }
  try {
    const rows = await readRows(client);
    const catalog = request.catalog === false ? null : await catalogHash(client, schema || "public");
    return { ok: true, database, rows, catalog: catalog && catalog.hash };
  } finally {
    await client.end();
  }
}

/**
 * Apply every given migration that has no applied row, in name order, in one transaction, under
 * Prisma's advisory lock. `migrations`: [{name, sql, checksum}]. Refuses (P3009) when a failed row exists.
 */
async function apply(request) {
  const { schema } = postgresConfig(request.url);
  const client = await connect(request.url);
  try {
    return await withPrismaLock(client, async () => {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
      const before = await catalogHash(client, schema || "public");
      await client.query(MIGRATIONS_TABLE_DDL);
      const rows = (await readRows(client)) || [];
      const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null).map((row) => row.migration_name);
      if (failed.length) {
        return { ok: false, context: "P3009", failed, message: `failed migration(s) in the database: ${failed.join(", ")}` };
      }
      const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
      const pending = request.migrations.filter((m) => !applied.has(m.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (request.requireFresh && (!before.empty || applied.size > 0)) {
        return { ok: true, applied: [], notFresh: true };
      }
      if (pending.length === 0) return { ok: true, applied: [], before: before.hash, after: before.hash, fresh: before.empty };
      await client.query("BEGIN");
      let current = null;
      try {
        for (const migration of pending) {
          current = migration.name;
          const id = crypto.randomUUID();
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), 0)',
            [id, migration.checksum, migration.name],
          );
          await client.query(migration.sql); // simple query protocol: the whole script, as Prisma sends it
          await client.query('UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1', [id]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        const where = error && error.position ? ` (at character ${error.position})` : "";
        return {
          ok: false,
          context: "apply",
          migration: current,
          code: error && error.code,
          message: `${(error && error.message) || error}${where}`,
        };
      }
      const after = await catalogHash(client, schema || "public");
      return { ok: true, applied: pending.map((m) => m.name), before: before.hash, after: after.hash, fresh: before.empty && applied.size === 0 };
    });
  } finally {
    await client.end();
  }
}

module.exports = { ensureDatabase, status, apply, MIGRATIONS_TABLE_DDL, PRISMA_LOCK_ID };
