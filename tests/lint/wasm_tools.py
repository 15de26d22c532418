"""The real Prisma validator and formatter for the fix tests: Prisma 6's schema wasm in one Node process.

`prisma validate` and `prisma format` run this very module (`@prisma/prisma-schema-wasm`,
pinned by package-lock.json); calling it once for many files keeps a 100-service check
to about a second.  Missing Node or modules skip the test locally and fail it in CI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parents[2]
WASM = REPO_ROOT / "node_modules" / "@prisma" / "prisma-schema-wasm" / "package.json"

SCRIPT = r"""
const wasm = require(require.resolve("@prisma/prisma-schema-wasm", { paths: [process.argv[1]] }));
const files = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const [path, text] of Object.entries(files)) {
  let error = null;
  try { wasm.validate(JSON.stringify({ prismaSchema: [[path, text]], noColor: true })); }
  catch (e) { error = e.message; }
  const params = JSON.stringify({ textDocument: { uri: "file:/schema.prisma" }, options: { tabSize: 2, insertSpaces: true } });
  const formatted = JSON.parse(wasm.format(JSON.stringify([[path, text]]), params))[0][1];
  out[path] = { error, formatted };
}
process.stdout.write(JSON.stringify(out));
"""


def require_wasm() -> None:
    if shutil.which("node") is None or not WASM.is_file():
        missing("node and @prisma/prisma-schema-wasm are needed (run `npm ci`)")


def check(files: Mapping[str, str]) -> dict[str, dict[str, str | None]]:
    """path -> {"error": Prisma's validation error or None, "formatted": `prisma format`'s output}."""
    require_wasm()
    completed = subprocess.run(
        ["node", "-e", SCRIPT, str(REPO_ROOT)],
        input=json.dumps(dict(files)),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(completed.stdout)
