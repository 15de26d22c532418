"""The batch path of `clients`: one Node worker generating every client of a run.

It runs Prisma's own `getGenerators` with the default generator registry --
what `prisma generate` runs -- from the pinned `@prisma/internals` and
`@prisma/client-generator-registry`, so the generated files are byte-identical
to the CLI's (tested), without paying Node's start-up per service.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from azora_tasks.paths import NODE_DIR
from azora_tasks.process import ProcessGroup
from azora_tasks.toolchain.worker import NodeWorker

REQUEST_TIMEOUT_SECONDS = 300.0
_PACKAGES = ("@prisma/internals", "@prisma/client-generator-registry", "@prisma/engines-version")


def batch_available(root: Path) -> bool:
    return all((root / "node_modules" / name / "package.json").is_file() for name in _PACKAGES)


class ClientWorker(NodeWorker):
    def __init__(self, root: Path, timeout: float = REQUEST_TIMEOUT_SECONDS, *, processes: ProcessGroup | None = None) -> None:
        super().__init__(NODE_DIR / "client_worker.cjs", root, timeout, processes=processes)

    def generate(self, schema: Path, cwd: Path, env: Mapping[str, str], version: str) -> tuple[bool, str]:
        """Generate every client of one schema; returns (ok, output like the CLI's)."""
        changed = {key: value for key, value in env.items() if os.environ.get(key) != value}
        response = self.request({"op": "generate", "schema": str(schema), "cwd": str(cwd), "env": changed})
        log = response.get("log", "")
        if not response.get("ok"):
            return False, f"{log}{response.get('message', '')}\n"
        lines = [f"✔ Generated {item['name']} (v{version}) to {item['output']} in {item['ms']}ms" for item in response.get("generated", [])]
        return True, log + "\n".join(lines) + "\n"
