// Database housekeeping the Prisma CLI does not do through driver adapters:
//   node dbtool.cjs ensure        create the database (and ?schema=) named by AZORA_MIGRATE_DATABASE_URL if missing
//   node dbtool.cjs reset         drop everything in it (PostgreSQL: the schema; MySQL: the database)
//   node dbtool.cjs drop          drop the database itself (tests' cleanup)
//   node dbtool.cjs drop-shadows PREFIX   drop leftover shadow databases whose name starts with PREFIX
// The database is runtime.databaseTarget()'s: AZORA_DATABASE_PROVIDER says which kind it is.
// Prints one JSON line: {"ok":true,"created":bool} or {"ok":false,"error":"..."}; the tool masks what it shows of it.
"use strict";

const { requireFromProject, databaseTarget, unrefLongTimers } = require("./runtime.cjs");
const { postgresConfig, mysqlConfig } = require("./adapters.cjs");

unrefLongTimers();

const quotePg = (name) => `"${name.replace(/"/g, '""')}"`;
const quoteMy = (name) => `\`${name.replace(/`/g, "``")}\``;

async function withPg(config, database, fn) {
  const pg = requireFromProject("pg");
  const url = new URL(config.connectionString);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function postgres(command, url, arg) {
  const { config, schema, database } = postgresConfig(url);
  const maintenance = process.env.AZORA_MAINTENANCE_DB || (database === "postgres" ? "template1" : "postgres");
  if (command === "ensure") {
    let created = false;
    await withPg(config, maintenance, async (client) => {
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (found.rowCount === 0) {
        try {
          await client.query(`CREATE DATABASE ${quotePg(database)}`);
          created = true;
        } catch (error) {
          if (error.code !== "42P04" && error.code !== "23505") throw error; // created concurrently by someone else (either code)
        }
      }
    });
    if (schema) await withPg(config, database, (client) => client.query(`CREATE SCHEMA IF NOT EXISTS ${quotePg(schema)}`));
    return { created };
  }
  if (command === "reset") {
    const target = schema || "public";
    await withPg(config, database, async (client) => {
      await client.query(`DROP SCHEMA IF EXISTS ${quotePg(target)} CASCADE`);
      await client.query(`CREATE SCHEMA ${quotePg(target)}`);
    });
    return {};
  }
  if (command === "drop") {
    await withPg(config, maintenance, (client) => client.query(`DROP DATABASE IF EXISTS ${quotePg(database)} WITH (FORCE)`));
    return {};
  }
  if (command === "drop-shadows") {
    const dropped = [];
    await withPg(config, maintenance, async (client) => {
      const rows = await client.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [arg]);
      for (const row of rows.rows) {
        await client.query(`DROP DATABASE IF EXISTS ${quotePg(row.datname)} WITH (FORCE)`);
        dropped.push(row.datname);
      }
    });
    return { dropped };
  }
  throw new Error(`unknown command ${command}`);
}

async function mysql(command, url, arg) {
  const mariadb = requireFromProject("mariadb");
  const config = mysqlConfig(url);
  const database = config.database;
  const connection = await mariadb.createConnection({ ...config, database: undefined });
  try {
    if (command === "ensure") {
      const result = await connection.query(`CREATE DATABASE IF NOT EXISTS ${quoteMy(database)}`);
      return { created: Number(result.warningStatus || 0) === 0 };
    }
    if (command === "reset") {
      await connection.query(`DROP DATABASE IF EXISTS ${quoteMy(database)}`);
      await connection.query(`CREATE DATABASE ${quoteMy(database)}`);
      return {};
    }
    if (command === "drop") {
      await connection.query(`DROP DATABASE IF EXISTS ${quoteMy(database)}`);
      return {};
    }
    if (command === "drop-shadows") {
      const rows = await connection.query("SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE CONCAT(?, '%')", [arg]);
      const dropped = [];
      for (const row of rows) {
        await connection.query(`DROP DATABASE IF EXISTS ${quoteMy(row.name)}`);
        dropped.push(row.name);
      }
      return { dropped };
    }
    throw new Error(`unknown command ${command}`);
  } finally {
    await connection.end();
  }
}

async function main() {
  const [command, arg] = process.argv.slice(2);
  const { provider, url } = databaseTarget();
  if (provider === "sqlite") return { skipped: "SQLite files are handled by the tool itself" };
  if (provider === "postgresql") return postgres(command, url, arg);
  if (provider === "mysql") return mysql(command, url, arg);
  throw new Error(`no database housekeeping for provider ${provider}`);
}

main().then(
  (result) => {
    process.stdout.write(JSON.stringify({ ok: true, ...result }) + "\n");
  },
  (error) => {
    const message = (error && (error.message || String(error))) || "unknown error";
    process.stdout.write(JSON.stringify({ ok: false, error: message, code: error && error.code }) + "\n");
    process.exitCode = 1;
  },
);
