// The protocol every azora-tasks Node worker speaks (Python side: azora_tasks/node_worker.py):
// one JSON request per line on stdin, one JSON response per line on stdout, answered one at a
// time and in order. A request names a handler with "op"; its "id" is echoed in the response.
"use strict";

const readline = require("node:readline");

function describe(error) {
  if (error && error.context) return { context: error.context, message: String(error.message) };
  return { context: "worker", message: String(error && error.stack ? error.stack : error) };
}

/** The answer for a driver's or engine's error: its own context (else `fallback`), code and message (Python masks it). */
function failure(error, fallback) {
  return {
    ok: false,
    context: (error && error.context) || fallback,
    code: (error && error.code) || null,
    message: error && error.message ? error.message : String(error),
  };
}

// handlers: { op: async (request) => response }; options.write replaces stdout (for workers that
// capture what the code they call prints), options.before/after run around every request.
function serve(handlers, { write = (text) => process.stdout.write(text), before = () => {}, after = (response) => response } = {}) {
  let queue = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    queue = queue.then(async () => {
      let request;
      try {
        request = JSON.parse(line);
      } catch (error) {
        write(JSON.stringify({ id: null, ok: false, context: "protocol", message: `bad request: ${error.message}` }) + "\n");
        return;
      }
      before(request);
      let response;
      try {
        const handler = handlers[request.op];
        response = handler ? await handler(request) : { ok: false, context: "protocol", message: `unknown op ${request.op}` };
      } catch (error) {
        response = { ok: false, ...describe(error) };
      }
      write(JSON.stringify({ id: request.id, ...after(response) }) + "\n");
    });
  });
  lines.on("close", () => queue.then(() => process.exit(0)));
}

module.exports = { serve, failure };
