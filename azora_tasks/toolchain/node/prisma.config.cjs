// The Prisma config azora-tasks owns: `prisma <command> --config <this file> --schema <schema>`.
// It runs Prisma's WebAssembly schema engine through a JavaScript driver adapter for the provider the tool
// names (runtime.databaseTarget(): AZORA_DATABASE_PROVIDER, or DATABASE_URL described by azora_tasks.database
// when run by hand), so migrations need no native engine download.
"use strict";

const { adapterFactory } = require("./adapters.cjs");
const { databaseTarget, unrefLongTimers } = require("./runtime.cjs");

unrefLongTimers();

module.exports = {
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => adapterFactory(databaseTarget()),
};
