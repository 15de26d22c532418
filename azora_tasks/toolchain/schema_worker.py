"""The batch path: one Node worker validating every schema of a run.

`prisma validate` spends ~0.8 s starting Node and loading modules, and ~1 ms
validating. The worker loads Prisma's WebAssembly schema engine once and takes
one JSON request per line, so 190 services cost one start-up. It is started
lazily (a fully cached run never starts it), serves the runner's threads one
request at a time (each is ~1 ms), is restarted if it crashes or hangs, and is
shut down cleanly at the end of the run.

Its answers are formatted exactly like the CLI's, so `validate` reads the same
whichever path ran; tests compare both on a mixed corpus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.paths import NODE_DIR
from azora_tasks.process import ProcessGroup
from azora_tasks.toolchain.worker import NodeWorker, WorkerError

REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Verdict:
    ok: bool
    output: str  # formatted like the CLI's output
    code: str | None = None


def wasm_available(root: Path) -> bool:
    return (root / "node_modules" / "@prisma" / "prisma-schema-wasm" / "package.json").is_file()


class SchemaWorker(NodeWorker):
    def __init__(self, root: Path, prisma_version: str, timeout: float = REQUEST_TIMEOUT_SECONDS, *, processes: ProcessGroup | None = None) -> None:
        super().__init__(NODE_DIR / "schema_worker.cjs", root, timeout, processes=processes)
        self._prisma_version = prisma_version

    def validate(self, files: Sequence[tuple[str, str]], env: Mapping[str, str]) -> Verdict:
        """Validate one service's schema files (paths as the CLI would print them)."""
        response = self.request({"op": "validate", "files": [list(pair) for pair in files], "env": dict(env)})
        loaded = f"Prisma schema loaded from {files[0][0]}\n" if files else ""
        if response.get("ok"):
            return Verdict(True, f"{loaded}The schema at {files[0][0]} is valid 🚀\n")
        context = response.get("context", "validate")
        if context not in ("getConfig", "validate"):
            raise WorkerError(str(response.get("message")))
        reason = "get-config wasm" if context == "getConfig" else "validate wasm"
        code = response.get("code")
        output = (
            f"{loaded}Error: Prisma schema validation - ({reason})\n"
            f"Error code: {code}\n{response.get('message', '').rstrip()}\n[Context: {context}]\n\n"
            f"Prisma CLI Version : {self._prisma_version}\n"
        )
        return Verdict(False, output, code)
