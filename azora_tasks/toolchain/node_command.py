"""How azora-tasks starts Node for Prisma, one definition for every launcher.

Which Node: the one the project pins, as `npm run` would pick it. A project
whose package.json pins the `node` package (this repository does) gets
`node_modules/.bin/node`, found from the project folder upwards, then from the
script's own folder upwards (the same order `runtime.cjs` resolves Prisma's
packages in: a monorepo whose `settings.prisma_cli` points at another checkout's
node_modules runs that checkout's Prisma on that checkout's Node); otherwise
`node` on PATH.

How it starts: `node --liftoff-only --require compile_cache.cjs <script>`.

- `--liftoff-only`: every Node process the tool starts for Prisma (the CLI,
  the schema, client and migrate workers) loads a WebAssembly engine of several
  megabytes and lives for seconds. V8 first compiles WebAssembly with its
  baseline compiler (Liftoff), then again with TurboFan on background threads;
  in processes this short the second compilation costs much of the CPU and pays
  back little. Measured on 2 cores: a migrate worker's start plus first diff
  1.25 → 0.62 s of CPU, `prisma migrate diff` 2.9 → 2.1 s. Results are the same
  by construction.
- `compile_cache.cjs` turns on Node's on-disk compile cache (Node 22.1 and
  newer; a no-op before): the Prisma CLI loads some 1,500 JavaScript modules
  per call (its config loader alone pulls in `effect`), and parsing them again
  in every one of 190 processes is most of a short command's CPU. Measured on
  2 cores with Node 22: `prisma validate` 0.95 → 0.66 s of CPU, the PostgreSQL
  worker-vs-CLI parity test 27.8 → 19.9 s. The cache lives where Node puts it
  (`NODE_COMPILE_CACHE`, else `<tmp>/node-compile-cache`); Node checks each entry
  against the source, so a stale or half-written entry is recompiled, not used.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from azora_tasks.paths import NODE_DIR

COMPILE_CACHE = NODE_DIR / "compile_cache.cjs"
FLAGS = ("--liftoff-only", "--require", str(COMPILE_CACHE))


@functools.lru_cache(maxsize=64)
def node_executable(near: Path) -> str:
    """The project's pinned `node_modules/.bin/node` at or above `near`, else `node` from PATH."""
    for folder in (near, *near.parents):
        pinned = folder / "node_modules" / ".bin" / "node"
        if pinned.is_file():
            return str(pinned)
    return "node"


def node_available(near: Path) -> str | None:
    """The Node executable that would run, or None when there is none."""
    executable = node_executable(near.resolve())
    return executable if executable != "node" else shutil.which("node")


def node_command(script: str, *args: str, project: Path | None = None) -> list[str]:
    """`<node> --liftoff-only --require compile_cache.cjs <script> <args...>`.

    `project` is the folder whose pinned Node to prefer; when it pins none (or is not given),
    the script's own folder (the Prisma CLI lives in the project's node_modules, so that finds
    the same one; the tool's own worker scripts find the Node next to the packages they load).
    """
    pinned = (node_executable(folder.resolve()) for folder in (project, Path(script).parent) if folder is not None)
    return [next((node for node in pinned if node != "node"), "node"), *FLAGS, script, *args]
