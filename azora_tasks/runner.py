"""Run one task over many services in parallel, isolating each service's failure.

The runner knows nothing about Prisma: it receives a function `work(service)`
that returns a `ServiceResult`. It guarantees three things the tasks then do
not have to think about:

* a bounded pool (default: one worker per CPU), because each Prisma CLI call
  is mostly CPU-bound Node start-up;
* one service raising or failing never stops the others;
* Ctrl-C (or SIGTERM, see `handle_termination`) terminates every child
  process, marks what did not finish as cancelled and still returns what did
  finish, so the summary can be printed;
* a child that was killed (by us on Ctrl-C, or by anything else) never
  yields a result: it raises, so no cache records a half-run as a verdict.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

from azora_tasks.manifest import Service
from azora_tasks.process import Cancelled, ProcessGroup
from azora_tasks.results import RunResult, ServiceError, ServiceResult, Status

# After an interrupt, how long in-process work (a lint, a Node worker request) may still finish;
# whatever is still running then is reported as cancelled instead of holding the exit up.
INTERRUPT_WAIT_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM (CI cancelling a job), raised in the main thread so it is handled exactly like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def handle_termination() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while the block runs (main thread only), then restore the old handler.

    Python's default for SIGTERM is to die at once: no children stopped, no
    summary, no `--json`. CI runners send SIGTERM when a job is cancelled.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupt_signal(error: BaseException) -> int:
    """The signal behind a KeyboardInterrupt: SIGTERM for `Terminated`, else SIGINT (Ctrl-C)."""
    return getattr(error, "signum", signal.SIGINT)


class Progress(Protocol):
    """Receives progress as services finish (a live bar on a terminal, plain lines in CI)."""

    def start(self, task: str, total: int) -> None: ...

    def advance(self, result: ServiceResult) -> None: ...

    def stop(self) -> None: ...


class _NoProgress:
    def start(self, task: str, total: int) -> None:
        pass

    def advance(self, result: ServiceResult) -> None:
        pass

    def stop(self) -> None:
        pass


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_services(
    task: str,
    services: Sequence[Service],
    work: Callable[[Service], ServiceResult],
    *,
    processes: ProcessGroup,
    jobs: int = 0,
    progress: Progress | None = None,
    known: Callable[[Service], ServiceResult | None] | None = None,
    settle: Callable[[Sequence[Service]], Mapping[str, ServiceResult]] | None = None,
) -> RunResult:
    """Run `work` for every service on a bounded thread pool and collect results in input order.

    `known(service)` may return a result without running anything (a cache hit);
    it is asked in this thread before the pool starts, because handing a
    millisecond lookup to a worker thread costs more than the lookup.
    `settle(services)` does the same for all services in one call (migrate
    reads every database in one request); services it leaves out run. If it
    raises, nothing is settled and every service runs.
    """
    progress = progress or _NoProgress()
    results: dict[str, ServiceResult] = {}
    started = time.monotonic()
    progress.start(task, len(services))
    interrupted_by: int | None = None
    try:
        to_run = _settle(services, settle, results, progress) if settle else list(services)
        to_run = _take_known(to_run, known, processes, results, progress) if known else to_run
        interrupted_by = _run_pool(task, to_run, work, processes, jobs, results, progress)
    except KeyboardInterrupt as error:  # during the lookups, before anything ran
        interrupted_by = interrupt_signal(error)
        processes.terminate_all()  # a batch lookup may be waiting on a child (migrate's database read)
    finally:
        progress.stop()
    for service in services:
        results.setdefault(service.name, ServiceResult(service.name, Status.CANCELLED, summary="not started (interrupted)"))
    ordered = [results[service.name] for service in services]
    run = RunResult(task, ordered, time.monotonic() - started, interrupted_by is not None)
    if interrupted_by is not None:
        run.signal = interrupted_by
    return run


def _settle(
    services: Sequence[Service],
    settle: Callable[[Sequence[Service]], Mapping[str, ServiceResult]],
    results: dict[str, ServiceResult],
    progress: Progress,
) -> list[Service]:
    """Record the results settled in one batch; return the services left to run."""
    try:
        settled = settle(services)
    except Exception:  # noqa: BLE001 - a failed shortcut is no failure: every service runs the long way
        return list(services)
    return _record_known(services, lambda service: settled.get(service.name), results, progress)


def _take_known(
    services: Sequence[Service],
    known: Callable[[Service], ServiceResult | None],
    processes: ProcessGroup,
    results: dict[str, ServiceResult],
    progress: Progress,
) -> list[Service]:
    """Record the results known without running (each lookup isolated); return the services left to run."""
    return _record_known(services, lambda service: _isolated(known, service, processes), results, progress)


def _record_known(
    services: Sequence[Service],
    lookup: Callable[[Service], ServiceResult | None],
    results: dict[str, ServiceResult],
    progress: Progress,
) -> list[Service]:
    """Record each service's result that `lookup` already has; return the others, in order."""
    to_run = []
    for service in services:
        result = lookup(service)
        if result is None:
            to_run.append(service)
        else:
            results[service.name] = result
            progress.advance(result)
    return to_run


def _run_pool(
    task: str,
    services: Sequence[Service],
    work: Callable[[Service], ServiceResult],
    processes: ProcessGroup,
    jobs: int,
    results: dict[str, ServiceResult],
    progress: Progress,
) -> int | None:
    """Run the services on the pool; returns the signal that interrupted it (Ctrl-C, SIGTERM), else None."""
    if not services:
        return None
    workers = max(1, min(jobs or default_jobs(), len(services)))
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"azora-{task}")
    futures = {executor.submit(_isolated, work, service, processes): service for service in services}
    pending = set(futures)
    interrupted_by: int | None = None
    try:
        while pending:
            # A short timeout keeps the main thread responsive to Ctrl-C.
            done, pending = concurrent.futures.wait(pending, timeout=0.2, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                _record(future.result(), results, progress)
        return None
    except KeyboardInterrupt as error:
        interrupted_by = interrupt_signal(error)
        processes.terminate_all()
        for future in pending:
            future.cancel()
        started = [future for future in futures if not future.cancelled() and futures[future].name not in results]
        # Children are stopped now; in-process work (a lint of a huge schema) cannot be: give it a
        # moment, then report it as cancelled rather than keep the user waiting for it.
        finished, running = concurrent.futures.wait(started, timeout=INTERRUPT_WAIT_SECONDS)
        for future in finished:
            _record(future.result(), results, progress)
        for future in running:
            name = futures[future].name
            _record(ServiceResult(name, Status.CANCELLED, summary="interrupted while running"), results, progress)
        return interrupted_by
    finally:
        # Never wait for a worker thread after an interrupt: it may be busy for minutes.
        executor.shutdown(wait=interrupted_by is None, cancel_futures=True)


def _record(result: ServiceResult | None, results: dict[str, ServiceResult], progress: Progress) -> None:
    if result is not None:
        results[result.service] = result
        progress.advance(result)


def _isolated(work: Callable[[Service], ServiceResult | None], service: Service, processes: ProcessGroup) -> ServiceResult | None:
    """Run one service's work; any exception becomes that service's failure, not the run's."""
    started = time.monotonic()
    try:
        result = work(service)
        if result is None:
            return None
    except Cancelled as error:
        result = ServiceResult(service.name, Status.CANCELLED, summary=str(error) or "not started (interrupted)")
    except ServiceError as error:
        result = ServiceResult(service.name, Status.FAILED, output=str(error), summary=str(error))
    except Exception as error:  # noqa: BLE001 - isolation is the point
        result = ServiceResult(service.name, Status.FAILED, output=traceback.format_exc(), summary=f"internal error: {type(error).__name__}: {error}")
    if processes.cancelled.is_set() and result.status is Status.FAILED:
        result.status = Status.CANCELLED
        result.summary = "interrupted"
    if not result.duration:
        result.duration = time.monotonic() - started
    return result
