// One long-lived Node process that validates many Prisma schemas with Prisma's own
// WebAssembly schema engine (the same code `prisma validate` runs), so a run pays
// Node's start-up once instead of once per service.
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
//   request:  {"id": 1, "op": "validate", "files": [["prisma/schema.prisma", "<text>"]], "env": {"DATABASE_URL": "..."}}
//   response: {"id": 1, "ok": true} or {"id": 1, "ok": false, "context": "getConfig"|"validate", "code": "P1012", "message": "..."}
// The module is resolved from the monorepo (argv[2]) so the pinned version is used.
"use strict";

const { serve } = require("./jsonl.cjs");

const root = process.argv[2] || process.cwd();
const wasm = require(require.resolve("@prisma/prisma-schema-wasm", { paths: [root] }));

function getConfigErrors(files, env) {
  const params = { prismaSchema: files, datasourceOverrides: {}, ignoreEnvVarErrors: false, env };
  const result = JSON.parse(wasm.get_config(JSON.stringify(params)));
  return result.errors || [];
}

function validate(request) {
  const files = request.files;
  // Same order as the CLI: the configuration (datasource, env vars) first, then the datamodel.
  const configErrors = getConfigErrors(files, request.env || {});
  if (configErrors.length > 0) {
    const message = configErrors.map((e) => e.message).join("\n") + `\nValidation Error Count: ${configErrors.length}`;
    return { ok: false, context: "getConfig", code: "P1012", message };
  }
  try {
    wasm.validate(JSON.stringify({ prismaSchema: files, noColor: true }));
    return { ok: true };
  } catch (error) {
    let parsed;
    try {
      parsed = JSON.parse(error.message);
    } catch {
      parsed = { error_code: null, message: String(error.message) };
    }
    return { ok: false, context: "validate", code: parsed.error_code, message: parsed.message };
  }
}

serve({ validate, ping: () => ({ ok: true, pid: process.pid }) });
