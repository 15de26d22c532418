"""A long-lived Node process answering JSON requests, one per line.

Each Prisma CLI call costs ~0.8 s of Node start-up for a few milliseconds of
work. The batch paths (`schema_worker`, `client_worker`) load Prisma's own
modules once in one of these and feed it every service of the run. This class
is their shared plumbing: lazy start, one request at a time across the
runner's threads, a timeout, restart-once on a crash, clean shutdown. The process
is started through the run's `ProcessGroup` (azora_tasks/process.py), so Ctrl-C
stops it with every other child, and its stderr is drained there.

Passwords are masked here, once, for every worker: each answer's `message` and
`error` fields (at any depth) and a crashed worker's stderr go through
`database.mask`, so the JavaScript side never has to know how.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from azora_tasks.database import mask
from azora_tasks.process import ProcessGroup
from azora_tasks.toolchain import warm
from azora_tasks.toolchain.node_command import node_command

MESSAGE_FIELDS = frozenset({"message", "error"})  # the fields of an answer that carry text from a driver or engine


class WorkerError(Exception):
    """The worker could not answer (crashed, timed out, or is not installed)."""


class NodeWorker:
    def __init__(self, script: Path, root: Path, timeout: float, *, processes: ProcessGroup | None = None) -> None:
        self._script = script
        self._processes = processes or ProcessGroup()  # the run's group; a private one for library use
        self._root = root
        self._timeout = timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._responses: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._next_id = 0
        self.starts = 0  # how many Node processes this worker started (tests and the bench read it)

    # --- life cycle ------------------------------------------------------------

    def _start(self) -> subprocess.Popen[str]:
        process = warm.take(self._script, self._root)  # `cli.main` may have started it already
        if process is not None:
            self._processes.adopt(process)
        else:
            process = self._processes.start(node_command(str(self._script), str(self._root), project=self._root), cwd=self._root)
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

    def start(self) -> None:
        """Start the process now, so Node boots while the caller keeps working (a request would start it anyway)."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> subprocess.Popen[str]:
        """The running process, started (again) if there is none; called under the lock."""
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        return self._process

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
        self._processes.release(process)

    def __enter__(self) -> NodeWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ----------------------------------------------------------------

    def request(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Send one request and wait for its answer; restart the worker once if it died."""
        with self._lock:
            for attempt in (1, 2):
                process = self._ensure_started()
                self._next_id += 1
                request_id = self._next_id
                try:
                    assert process.stdin is not None
                    process.stdin.write(json.dumps({**payload, "id": request_id}) + "\n")
                    process.stdin.flush()
                except (BrokenPipeError, OSError):
                    self._stop()
                    continue
                try:
                    while True:
                        response = self._responses.get(timeout=self._timeout)
                        if response is None:
                            break  # crashed mid-request
                        if response.get("id") == request_id:
                            return masked_messages(response)
                except queue.Empty:
                    self._kill()
                    raise WorkerError(f"{self._script.stem} did not answer within {self._timeout:.0f}s; it was restarted") from None
                stderr = self._stderr()
                self._stop()
                if attempt == 2:
                    raise WorkerError(f"{self._script.stem} crashed: {mask(stderr.strip()[-2000:]) or 'no output'}")
            raise WorkerError(f"{self._script.stem} could not be started")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._processes.release(self._process)
            self._process = None

    def _stderr(self) -> str:
        """What the crashed worker wrote to stderr (drained by the process group while it ran)."""
        if self._process is None:
            return ""
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return ""
        deadline = time.monotonic() + 1  # the drain thread reads the pipe's last bytes after the exit
        while self._process.stderr is not None and not self._process.stderr.closed and time.monotonic() < deadline:
            time.sleep(0.02)
        return self._processes.stderr_tail(self._process)


def masked_messages(answer: dict[str, Any]) -> dict[str, Any]:
    """`answer` with the passwords of every `message`/`error` text masked (nested results too)."""
    return {key: mask(value) if key in MESSAGE_FIELDS and isinstance(value, str) else _masked(value) for key, value in answer.items()}


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return masked_messages(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value
