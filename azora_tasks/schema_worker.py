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

import json
import queue
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

WORKER_SCRIPT = Path(__file__).resolve().parent / "node" / "schema_worker.cjs"
REQUEST_TIMEOUT_SECONDS = 30.0
WASM_PACKAGE = "@prisma/prisma-schema-wasm"


class WorkerError(Exception):
    """The worker could not answer (crashed, timed out, or is not installed)."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    output: str  # formatted like the CLI's output
    code: str | None = None


def wasm_available(root: Path) -> bool:
    return (root / "node_modules" / "@prisma" / "prisma-schema-wasm" / "package.json").is_file()


class SchemaWorker:
    def __init__(self, root: Path, prisma_version: str, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self._root = root
        self._prisma_version = prisma_version
        self._timeout = timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._responses: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._next_id = 0
        self.starts = 0  # how many Node processes this worker started (tests and the bench read it)

    # --- life cycle ------------------------------------------------------------

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            ["node", str(WORKER_SCRIPT), str(self._root)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=self._root, start_new_session=True,
        )
        self.starts += 1
        self._responses = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout, self._responses), daemon=True).start()
        return process

    @staticmethod
    def _read(stream: IO[str] | None, responses: queue.Queue[dict[str, Any] | None]) -> None:
        assert stream is not None
        for line in stream:
            try:
                responses.put(json.loads(line))
            except ValueError:
                continue
        responses.put(None)  # end of stream: the worker exited

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()

    def __enter__(self) -> SchemaWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ----------------------------------------------------------------

    def request(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Send one request and wait for its answer; restart the worker once if it died."""
        with self._lock:
            for attempt in (1, 2):
                if self._process is None or self._process.poll() is not None:
                    self._process = self._start()
                self._next_id += 1
                request_id = self._next_id
                try:
                    assert self._process.stdin is not None
                    self._process.stdin.write(json.dumps({**payload, "id": request_id}) + "\n")
                    self._process.stdin.flush()
                except (BrokenPipeError, OSError):
                    self._stop()
                    continue
                try:
                    while True:
                        response = self._responses.get(timeout=self._timeout)
                        if response is None:
                            break  # crashed mid-request
                        if response.get("id") == request_id:
                            return response
                except queue.Empty:
                    self._kill()
                    raise WorkerError(f"schema worker did not answer within {self._timeout:.0f}s; it was restarted") from None
                stderr = self._stderr()
                self._stop()
                if attempt == 2:
                    raise WorkerError(f"schema worker crashed: {stderr.strip()[-2000:] or 'no output'}")
            raise WorkerError("schema worker could not be started")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _stderr(self) -> str:
        if self._process is None or self._process.stderr is None:
            return ""
        try:
            self._process.wait(timeout=2)
            return self._process.stderr.read()
        except (subprocess.TimeoutExpired, OSError, ValueError):
            return ""

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
