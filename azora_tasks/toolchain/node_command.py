"""How azora-tasks starts Node for Prisma: `node --liftoff-only`, one definition for every launcher.

Every Node process the tool starts for Prisma (the CLI, the schema, client and
migrate workers) loads a WebAssembly engine of several megabytes and lives for
seconds. V8 first compiles WebAssembly with its baseline compiler (Liftoff),
then compiles the hot functions again with TurboFan on background threads. In
processes this short that second compilation costs much of the CPU and pays
back little: the engine's own work per request is milliseconds. Measured on 2
cores: a migrate worker's start plus first diff 1.25 → 0.62 s of CPU (wall time
unchanged), `prisma migrate diff` 2.9 → 2.1 s, `prisma validate` 2.2 → 1.8 s.
`--liftoff-only` keeps the baseline code; results are the same by construction.
"""

from __future__ import annotations

NODE = ("node", "--liftoff-only")


def node_command(script: str, *args: str) -> list[str]:
    """`node --liftoff-only <script> <args...>`."""
    return [*NODE, script, *args]
