// One long-lived Node process that generates many Prisma clients.
//
// `prisma generate` spends ~0.8 s starting Node and loading the CLI for ~60 ms of
// generation. This worker loads Prisma's own generator machinery once -- the same
// `getGenerators` + default generator registry the CLI's `generate` command uses,
// from the pinned @prisma/internals and @prisma/client-generator-registry -- and
// then runs one schema per request.
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
//   request:  {"id": 1, "op": "generate", "schema": "/abs/prisma/schema.prisma", "cwd": "/abs/service", "env": {...}}
//   response: {"id": 1, "ok": true, "generated": [{"name": "client", "output": "/abs/out", "ms": 57}]}
//          or {"id": 1, "ok": false, "message": "..."}
// Requests are handled one at a time; env changes are undone after each request.
"use strict";

const { serve } = require("./jsonl.cjs");

const root = process.argv[2] || process.cwd();
const load = (name) => require(require.resolve(name, { paths: [root] }));
const { getGenerators } = load("@prisma/internals");
const { defaultRegistry } = load("@prisma/client-generator-registry");
const { enginesVersion } = load("@prisma/engines-version");

// Generators print progress and hints; stdout is our protocol channel.
const protocolWrite = process.stdout.write.bind(process.stdout);
const captured = [];
process.stdout.write = (chunk, ...rest) => {
  captured.push(String(chunk));
  const callback = rest.find((arg) => typeof arg === "function");
  if (callback) callback();
  return true;
};
console.log = (...args) => captured.push(args.join(" ") + "\n");
console.info = console.log;
console.warn = console.log;

async function withEnv(env, cwd, action) {
  const saved = {};
  for (const [key, value] of Object.entries(env || {})) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  const savedCwd = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    return await action();
  } finally {
    process.chdir(savedCwd);
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function generate(request) {
  return withEnv(request.env, request.cwd, async () => {
    const generators = await getGenerators({
      schemaPath: request.schema,
      printDownloadProgress: false,
      postinstall: false, // as `prisma generate` without --postinstall: the client records it
      version: enginesVersion,
      registry: defaultRegistry.toInternal(),
    });
    const generated = [];
    try {
      for (const generator of generators) {
        const started = Date.now();
        await generator.generate();
        const output = generator.options && generator.options.generator.output;
        generated.push({ name: generator.config.name, output: output ? output.value : null, ms: Date.now() - started });
      }
    } finally {
      for (const generator of generators) generator.stop();
    }
    return { ok: true, generated };
  });
}

serve(
  { generate: (request) => generate(request).catch((error) => ({ ok: false, message: String(error && error.message ? error.message : error) })),
    ping: async () => ({ ok: true, pid: process.pid }) },
  {
    write: protocolWrite,
    before: () => { captured.length = 0; },
    after: (response) => ({ ...response, log: captured.join("") }),
  },
);
