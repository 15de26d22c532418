// The Prisma config azora-tasks owns: `prisma <command> --config <this file> --schema <schema>`.
// It runs Prisma's WebAssembly schema engine through a JavaScript driver adapter chosen from the
// database URL (AZORA_MIGRATE_DATABASE_URL, else DATABASE_URL), so migrations need no native engine download.
"use strict";

const { adapterFactory } = require("./adapters.cjs");
const { databaseUrl, unrefLongTimers } = require("./runtime.cjs");

unrefLongTimers();

module.exports = {
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => adapterFactory(databaseUrl()),
};
