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
const { failure } = require("./jsonl.cjs");
const { postgresConfig, pgDriver } = require("./adapters.cjs");

const PRISMA_LOCK_ID = 72707369;
const LOCK_WAIT_MS = Number(process.env.AZORA_MIGRATE_LOCK_WAIT_MS || 600000);
// Connections a batch status read opens at once: a backend start costs the server a fork and a few
// milliseconds of CPU, so a few overlap well; many more only queue on the server's cores.
const DEFAULT_READ_CONCURRENCY = 16;
// The DDL Prisma's schema engine runs on PostgreSQL for its bookkeeping table (node/sql/, one copy).
const MIGRATIONS_TABLE_DDL = require("./adapters.cjs").readDdl("postgresql");

const quote = (name) => `"${String(name).replace(/"/g, '""')}"`;

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
  const { Client } = pgDriver();
  const { config, schema } = postgresConfig(url);
  const connection = new URL(config.connectionString);
  if (database !== undefined) connection.pathname = `/${database}`;
  const options = { connectionString: connection.toString(), connectionTimeoutMillis: 15000 };
  // `?schema=` as a start-up parameter (what the migrate adapter sets too): no extra round trip.
  if (schema && database === undefined) options.options = config.options;
  const client = new Client(options);
  try {
    await client.connect();
  } catch (error) {
    throw describeConnectError(error, config);
  }
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

/**
 * The schema's structure (tables, columns with types/nullability/defaults, indexes, constraints, enums),
 * hashed from pg_catalog: equal hashes, no drift. `_prisma_migrations` is left out.
 */
async function catalogHash(client, schema) {
  const result = await client.query(
    `WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1),
      rel AS (SELECT c.oid, c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relname <> '_prisma_migrations')
    SELECT json_build_object(
      'relations', (SELECT coalesce(json_agg(relname || ' ' || relkind::text ORDER BY relname, relkind::text), '[]') FROM rel),
      'columns', (SELECT coalesce(json_agg(x ORDER BY x), '[]') FROM (
        SELECT r.relname || '|' || a.attname || '|' || format_type(a.atttypid, a.atttypmod) || '|' || a.attnotnull || '|' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x
        FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped) s),
      'indexes', (SELECT coalesce(json_agg(pg_get_indexdef(i.indexrelid) ORDER BY 1), '[]') FROM pg_index i JOIN rel r ON r.oid = i.indrelid),
      'constraints', (SELECT coalesce(json_agg(r.relname || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid) ORDER BY 1), '[]')
        FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid),
      'enums', (SELECT coalesce(json_agg(t.typname || '.' || lpad(e.enumsortorder::text, 12) || '.' || e.enumlabel ORDER BY 1), '[]')
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typnamespace = (SELECT oid FROM ns))
    ) AS catalog`,
    [schema],
  );
  const catalog = result.rows[0].catalog;
  const empty = catalog.relations.length === 0 && catalog.enums.length === 0;
  return { hash: crypto.createHash("sha256").update(JSON.stringify(catalog)).digest("hex"), empty };
}

/** Nothing of the user's in the schema (no relation but `_prisma_migrations`, no type): cheaper than a hash. */
async function schemaIsEmpty(client, schema) {
  const result = await client.query(
    `SELECT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = $1 AND c.relname NOT LIKE '\\_prisma\\_migrations%')
        AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0) AS empty`,
    [schema],
  );
  return result.rows[0].empty;
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

/** Connect to the URL's database, creating it first when it does not exist (3D000). */
async function connectOrCreate(url) {
  try {
    const client = await connect(url);
    return { client, created: false };
  } catch (error) {
    if (!error || error.code !== "3D000") throw error; // invalid_catalog_name: no such database
  }
  const { created } = await ensureDatabase({ url });
  return { client: await connect(url), created };
}

/** One database: present? Its `_prisma_migrations` rows (null: no table) and, unless `catalog` is false, its catalog hash. */
async function readStatus(url, catalog) {
  const { schema } = postgresConfig(url);
  let client;
  try {
    client = await connect(url);
  } catch (error) {
    if (error && error.code === "3D000") return { ok: true, database: false, rows: null, catalog: null }; // invalid_catalog_name
    throw error;
  }
  // A server that dies mid-read must reject this read, not crash the worker.
  client.on("error", () => {});
  try {
    const rows = await readRows(client);
    const hash = catalog === false ? null : (await catalogHash(client, schema || "public")).hash;
    return { ok: true, database: true, rows, catalog: hash };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Read-only status of many databases in one request (`urls`), `concurrency` connections at a time: the
 * no-op check and `--status` read every selected service's database before any per-service work starts.
 * Each URL gets its own answer, in order: `{ok: true, database, rows, catalog}`, or `{ok: false, context,
 * code, message}` for that URL only (a refused connection, a bad password), so one failure isolates to
 * its service. A missing database is an answer (`database: false`), as is a missing table (`rows: null`).
 */
async function status(request) {
  const urls = request.urls || [];
  const limit = Math.max(1, Math.min(Number(request.concurrency) || DEFAULT_READ_CONCURRENCY, urls.length || 1));
  const results = new Array(urls.length);
  let next = 0;
  async function lane() {
    while (next < urls.length) {
      const index = next++;
      try {
        results[index] = await readStatus(urls[index], request.catalog);
      } catch (error) {
        results[index] = failure(error, "database");
      }
    }
  }
  await Promise.all(Array.from({ length: limit }, lane));
  return { ok: true, results };
}

/**
 * The server's position: its identity, start time and current transaction snapshot (xmin:xmax:in-progress).
 * Every transaction that writes anything, in any database (rows, DDL, databases created or dropped), takes a
 * transaction id, which moves xmax; one that was in progress and ends leaves the list. So two equal positions
 * mean every database's committed state is the same at both reads. Background WAL (checkpoints, standby
 * snapshots, hint bits) takes no transaction id and leaves the position alone. A role that may not call the
 * functions answers null.
 */
async function position(request) {
  let client;
  try {
    client = await connect(request.url);
  } catch (error) {
    if (!error || error.code !== "3D000") throw error; // no such database: any other one on the server tells the same
    client = await connect(request.url, process.env.AZORA_MAINTENANCE_DB || "postgres");
  }
  client.on("error", () => {});
  try {
    const result = await client.query(
      `SELECT (SELECT system_identifier FROM pg_control_system())::text AS system,
              pg_postmaster_start_time()::text AS started, pg_current_snapshot()::text AS snapshot`,
    );
    const row = result.rows[0];
    return { ok: true, position: `${row.system}/${row.started}/${row.snapshot}` };
  } catch (error) {
    if (error && typeof error.code === "string" && error.code.length === 5) return { ok: true, position: null }; // an SQL error, not a lost connection
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Apply every given migration that has no applied row, in name order, in one transaction, under
 * Prisma's advisory lock. `migrations`: [{name, sql, checksum}]. Refuses (P3009) when a failed row exists.
 */
async function apply(request) {
  const { schema } = postgresConfig(request.url);
  const namespace = schema || "public";
  const { client, created } = request.ensure ? await connectOrCreate(request.url) : { client: await connect(request.url), created: false };
  try {
    return await withPrismaLock(client, async () => {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
      await client.query(MIGRATIONS_TABLE_DDL);
      const rows = (await readRows(client)) || [];
      const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null).map((row) => row.migration_name);
      if (failed.length) {
        return { ok: false, context: "P3009", failed, created, message: `failed migration(s) in the database: ${failed.join(", ")}` };
      }
      const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
      const pending = request.migrations.filter((m) => !applied.has(m.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (pending.length === 0) return { ok: true, applied: [], created, before: null, after: null, fresh: false };
      // The structure before, to tell whether the one after is exactly what the migrations make.
      const fresh = applied.size === 0 && (await schemaIsEmpty(client, namespace));
      const before = fresh ? null : (await catalogHash(client, namespace)).hash;
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
          created,
          code: error && error.code,
          message: `${(error && error.message) || error}${where}`,
        };
      }
      const after = (await catalogHash(client, namespace)).hash;
      return { ok: true, applied: pending.map((m) => m.name), created, before, after, fresh };
    });
  } finally {
    await client.end();
  }
}

module.exports = { ensureDatabase, status, apply, position, preload: pgDriver, MIGRATIONS_TABLE_DDL, PRISMA_LOCK_ID };
