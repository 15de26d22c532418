"""Child processes in their own process groups, stoppable all at once.

The runner (Ctrl-C, SIGTERM) and every task that starts a process share one
`ProcessGroup` per run, so one `terminate_all()` stops every child. It lives
apart from the runner so tasks and workers can start processes without
importing the thread pool.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from azora_tasks.results import ServiceError

TERMINATE_GRACE_SECONDS = 3.0
STDERR_TAIL_LINES = 40  # what a long-lived child's error message may quote


class Cancelled(Exception):
    """Raised inside a worker when the run was interrupted before or while its process ran."""


class ProcessGroup:
    """Starts child processes in their own process groups and can stop them all.

    Children get their own session so a terminal's Ctrl-C reaches only us;
    we then terminate them deliberately (TERM, then KILL after a grace period)
    instead of leaving half-killed Node processes behind.
    """

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stderr: dict[int, deque[str]] = {}

    def run(
        self,
        command: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command to completion; stdout and stderr are captured together."""
        stdin = subprocess.PIPE if input_text is not None else subprocess.DEVNULL
        process = self._spawn(command, cwd, env, stdin=stdin, stderr=subprocess.STDOUT)
        try:
            output, _ = process.communicate(input_text, timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            output, _ = process.communicate()
            output += f"\n[azora-tasks] timed out after {timeout:.0f}s and was killed"
            return subprocess.CompletedProcess(process.args, -9, output)
        finally:
            with self._lock:
                self._running.discard(process)
        if self.cancelled.is_set():
            raise Cancelled("interrupted while running")  # its output is a half-run, not a verdict
        if process.returncode < 0:
            name = _signal_name(-process.returncode)
            raise ServiceError(f"{Path(command[0]).name} was killed by {name} before it finished; nothing was recorded (run again)")
        return subprocess.CompletedProcess(process.args, process.returncode, output)

    def start(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        """Start a long-lived child (a Node worker speaking JSON lines on stdin/stdout) in its own
        process group, so `terminate_all` (Ctrl-C, SIGTERM) stops it with every other child.

        Its stderr is drained by a thread -- a full pipe would block the child -- and the last
        lines are kept for error messages (`stderr_tail`). Call `release` after it exited.
        """
        process = self._spawn(command, cwd, env, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self._drain_stderr(process)
        return process

    def adopt(self, process: subprocess.Popen[str]) -> None:
        """Take over a child started by `spawn_long_lived` before this group existed (the migrate
        worker's head start, `toolchain/warm.py`): from now on it is stopped and drained like
        one `start` made. A cancelled run stops it at once and raises `Cancelled`."""
        with self._lock:
            cancelled = self.cancelled.is_set()
            if not cancelled:
                self._running.add(process)
        if cancelled:
            _signal_group(process, signal.SIGKILL)
            process.wait()
            raise Cancelled()
        self._drain_stderr(process)

    def _drain_stderr(self, process: subprocess.Popen[str]) -> None:
        tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        with self._lock:
            self._stderr[process.pid] = tail
        threading.Thread(target=_drain, args=(process.stderr, tail), daemon=True).start()

    def _spawn(self, command: Sequence[str], cwd: Path | None, env: Mapping[str, str] | None, *, stdin: int, stderr: int) -> subprocess.Popen[str]:
        """Start a child in its own session and register it, unless the run is already cancelled
        (checked under the lock, so `terminate_all` never misses a child started meanwhile)."""
        with self._lock:
            if self.cancelled.is_set():
                raise Cancelled()
            process = _popen(command, cwd, env, stdin=stdin, stderr=stderr)
            self._running.add(process)
        return process

    def stderr_tail(self, process: subprocess.Popen[str]) -> str:
        """The last lines a child started with `start` wrote to stderr."""
        with self._lock:
            return "".join(self._stderr.get(process.pid, ()))

    def release(self, process: subprocess.Popen[str]) -> None:
        """Forget a child started with `start` once it has exited (or been stopped by its owner)."""
        with self._lock:
            self._running.discard(process)
            self._stderr.pop(process.pid, None)

    def terminate_all(self) -> None:
        """Stop every running child: TERM first, KILL whatever is left after a grace period."""
        self.cancelled.set()
        with self._lock:
            processes = list(self._running)
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + TERMINATE_GRACE_SECONDS
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)


def spawn_long_lived(command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """A child that speaks on stdin/stdout, in its own session; nobody owns it until
    `ProcessGroup.start` registers it or `ProcessGroup.adopt` takes it over."""
    return _popen(command, cwd, env, stdin=subprocess.PIPE, stderr=subprocess.PIPE)


def _popen(command: Sequence[str], cwd: Path | None, env: Mapping[str, str] | None, *, stdin: int, stderr: int) -> subprocess.Popen[str]:
    """Every child: text pipes, its own session (a terminal's Ctrl-C reaches only us; we stop it)."""
    return subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _signal_group(process: subprocess.Popen[str], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _drain(stream: IO[str] | None, tail: deque[str]) -> None:
    if stream is None:
        return
    with stream:  # closed at EOF: readers of the tail can tell it is complete
        for line in stream:
            tail.append(line)
