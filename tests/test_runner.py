"""The runner's own logic: parallelism bound, failure isolation, Ctrl-C. Real subprocesses, no Prisma."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from azora_tasks.manifest import Service
from azora_tasks.results import ServiceResult, Status
from azora_tasks.runner import ProcessGroup, run_services

SERVICES = [Service(name=f"svc-{i}", category="core") for i in range(6)]


def test_one_failure_and_one_crash_do_not_stop_the_others() -> None:
    processes = ProcessGroup()

    def work(service: Service) -> ServiceResult:
        if service.name == "svc-1":
            raise RuntimeError("boom")
        code = 3 if service.name == "svc-4" else 0
        completed = processes.run([sys.executable, "-c", f"print('hello from {service.name}'); raise SystemExit({code})"], cwd=Path.cwd())
        status = Status.OK if completed.returncode == 0 else Status.FAILED
        return ServiceResult(service.name, status, output=completed.stdout)

    run = run_services("demo", SERVICES, work, processes=processes, jobs=3)
    statuses = {r.service: r.status for r in run.results}
    assert statuses == {
        "svc-0": Status.OK,
        "svc-1": Status.FAILED,
        "svc-2": Status.OK,
        "svc-3": Status.OK,
        "svc-4": Status.FAILED,
        "svc-5": Status.OK,
    }
    assert "RuntimeError: boom" in run.results[1].output
    assert "hello from svc-4" in run.results[4].output
    assert [r.service for r in run.results] == [s.name for s in SERVICES]
    assert run.exit_code == 1


def test_all_ok_exits_zero_and_the_pool_is_bounded() -> None:
    """No sleeps: each service waits at a 2-party barrier, so two must run at once (else the barrier
    times out and the service fails) and a third running alongside would be seen by the counter."""
    lock = threading.Lock()
    barrier = threading.Barrier(2, timeout=10)
    active = 0
    peak = 0

    def work(service: Service) -> ServiceResult:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        barrier.wait()  # raises BrokenBarrierError (a failed service) unless a second worker arrives
        with lock:
            active -= 1
        return ServiceResult(service.name, Status.OK)

    run = run_services("demo", SERVICES, work, processes=ProcessGroup(), jobs=2)
    assert run.exit_code == 0, [r.summary for r in run.results]
    assert len(run.results) == len(SERVICES)
    assert peak == 2


def test_missing_counts_as_failure_and_skipped_does_not() -> None:
    def work(service: Service) -> ServiceResult:
        return ServiceResult(service.name, Status.SKIPPED if service.name == "svc-0" else Status.OK)

    assert run_services("demo", SERVICES, work, processes=ProcessGroup()).exit_code == 0

    def missing(service: Service) -> ServiceResult:
        return ServiceResult(service.name, Status.MISSING if service.name == "svc-0" else Status.OK)

    assert run_services("demo", SERVICES, missing, processes=ProcessGroup()).exit_code == 1


def test_timeout_kills_the_child() -> None:
    processes = ProcessGroup()
    started = time.monotonic()
    completed = processes.run([sys.executable, "-c", "import time; time.sleep(30)"], cwd=Path.cwd(), timeout=0.5)
    assert completed.returncode == -9
    assert "timed out" in completed.stdout
    assert time.monotonic() - started < 10


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from azora_tasks.manifest import Service
    from azora_tasks.results import ServiceResult, Status
    from azora_tasks.runner import ProcessGroup, run_services

    pid_dir = Path(sys.argv[1])
    processes = ProcessGroup()

    def work(service):
        if service.name == "fast":
            return ServiceResult(service.name, Status.OK, summary="done")
        child = ["python3", "-c", f"import os, time; open('{pid_dir}/' + str(os.getpid()), 'w').close(); time.sleep(60)"]
        completed = processes.run(child, cwd=Path.cwd())
        return ServiceResult(service.name, Status.OK if completed.returncode == 0 else Status.FAILED)

    services = [Service(name=n, category="c") for n in ("fast", "slow-1", "slow-2", "slow-3", "slow-4")]
    print("READY", flush=True)
    run = run_services("demo", services, work, processes=processes, jobs=2)
    for result in run.results:
        print(result.service, result.status.value, flush=True)
    print("EXIT", run.exit_code, flush=True)
    """
)


def test_ctrl_c_terminates_children_and_keeps_finished_results(tmp_path: Path) -> None:
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT)
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    parent = subprocess.Popen([sys.executable, str(script), str(pid_dir)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert parent.stdout is not None
    assert parent.stdout.readline().strip() == "READY"
    deadline = time.monotonic() + 20
    while len(list(pid_dir.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    child_pids = [int(p.name) for p in pid_dir.iterdir()]
    assert len(child_pids) == 2, "two slow children should be running (pool of 2)"
    parent.send_signal(signal.SIGINT)
    output, _ = parent.communicate(timeout=20)
    lines = dict(line.split(" ", 1) for line in output.strip().splitlines())
    assert lines["fast"] == "ok"
    assert lines["EXIT"] == "130"
    cancelled = [name for name in ("slow-1", "slow-2", "slow-3", "slow-4") if lines[name] == "cancelled"]
    assert len(cancelled) == 4
    for pid in child_pids:
        assert not _alive(pid), f"child {pid} survived Ctrl-C"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False


def test_known_results_skip_the_pool_and_keep_order() -> None:
    ran: list[str] = []

    def known(service: Service) -> ServiceResult | None:
        return ServiceResult(service.name, Status.OK, summary="cached") if service.name in ("svc-0", "svc-3") else None

    def work(service: Service) -> ServiceResult:
        ran.append(service.name)
        return ServiceResult(service.name, Status.FAILED if service.name == "svc-5" else Status.OK)

    run = run_services("demo", SERVICES, work, processes=ProcessGroup(), jobs=2, known=known)
    assert sorted(ran) == ["svc-1", "svc-2", "svc-4", "svc-5"]
    assert [r.service for r in run.results] == [s.name for s in SERVICES]
    assert run.results[0].summary == "cached" and run.exit_code == 1


def test_settled_results_skip_the_pool_and_a_failing_settle_runs_everything() -> None:
    """`settle(services)` decides many services in one call before the pool (migrate's batch read)."""
    ran: list[str] = []
    seen: list[list[str]] = []

    def settle(services):  # type: ignore[no-untyped-def]
        seen.append([s.name for s in services])
        return {"svc-2": ServiceResult("svc-2", Status.OK, summary="settled"), "svc-4": ServiceResult("svc-4", Status.FAILED, summary="pending")}

    def work(service: Service) -> ServiceResult:
        ran.append(service.name)
        return ServiceResult(service.name, Status.OK)

    run = run_services("demo", SERVICES, work, processes=ProcessGroup(), jobs=2, settle=settle)
    assert seen == [[s.name for s in SERVICES]]  # one call for all
    assert sorted(ran) == ["svc-0", "svc-1", "svc-3", "svc-5"]
    assert [r.service for r in run.results] == [s.name for s in SERVICES]
    assert run.results[2].summary == "settled" and run.results[4].summary == "pending" and run.exit_code == 1

    ran.clear()

    def broken(services):  # type: ignore[no-untyped-def]
        raise RuntimeError("the shortcut failed")

    again = run_services("demo", SERVICES, work, processes=ProcessGroup(), jobs=2, settle=broken)
    assert sorted(ran) == [s.name for s in SERVICES] and again.exit_code == 0


def test_a_child_killed_from_outside_raises_instead_of_returning_a_verdict(tmp_path: Path) -> None:
    """A killed child's output is a half-run: the service fails with the reason (and a cache never records it)."""
    processes = ProcessGroup()
    suicide = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    run = run_services(
        "demo",
        SERVICES[:1],
        lambda s: ServiceResult(s.name, Status.OK if processes.run(suicide, cwd=tmp_path).returncode == 0 else Status.FAILED),
        processes=processes,
    )
    [result] = run.results
    assert result.status is Status.FAILED
    assert "killed by SIGKILL" in result.summary and "Traceback" not in result.output
    assert run.exit_code == 1


def test_after_an_interrupt_no_child_starts_and_a_running_one_is_cancelled(tmp_path: Path) -> None:
    processes = ProcessGroup()
    processes.terminate_all()
    run = run_services(
        "demo",
        SERVICES[:1],
        lambda s: ServiceResult(s.name, Status.OK if processes.run(["true"], cwd=tmp_path).returncode == 0 else Status.FAILED),
        processes=processes,
    )
    assert run.results[0].status is Status.CANCELLED


def test_sigterm_exit_code_is_143_and_named_in_json() -> None:
    from azora_tasks.results import RunResult

    run = RunResult("demo", [ServiceResult("a", Status.CANCELLED)], 0.1, interrupted=True, signal=signal.SIGTERM)
    assert run.exit_code == 143
    assert run.to_json()["signal"] == "SIGTERM"
    assert RunResult("demo", [], 0.1, interrupted=True).exit_code == 130


def test_a_long_lived_child_is_stopped_with_the_group_and_its_stderr_never_blocks_it(tmp_path: Path) -> None:
    """`ProcessGroup.start` (the Node workers' way in): 1 MB on stderr does not block the child
    (the pipe is drained), it answers on stdout, and `terminate_all` stops it."""
    script = "import sys\nsys.stderr.write('x' * 1_000_000 + '\\nlast words\\n')\nsys.stderr.flush()\nprint('ready', flush=True)\nsys.stdin.read()\n"
    processes = ProcessGroup()
    child = processes.start([sys.executable, "-c", script], cwd=tmp_path)
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"  # it got past the 1 MB write: stderr is drained
    processes.terminate_all()
    assert child.wait(timeout=10) < 0  # stopped by a signal, not by us closing stdin
    deadline = time.monotonic() + 10  # the drain thread reads the pipe's last bytes after the exit
    while not processes.stderr_tail(child).endswith("last words\n") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes.stderr_tail(child).endswith("last words\n")
    processes.release(child)
    assert processes.stderr_tail(child) == ""
