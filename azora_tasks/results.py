"""What running a task on one service produced, and the run as a whole.

Kept free of any I/O so the runner, the summary, the JSON writer and later the
report can all share one vocabulary.
"""

from __future__ import annotations

import enum
import json
import signal
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from azora_tasks.atomic import write_text_atomically


class ServiceError(Exception):
    """An expected problem of one service (e.g. a schema that is not UTF-8).

    The runner turns it into that service's failure with this message as the
    whole story -- no traceback, because nothing is wrong with the tool.
    """


class Status(str, enum.Enum):
    OK = "ok"
    FAILED = "failed"
    MISSING = "missing"  # the service has no schema where the manifest says it should
    SKIPPED = "skipped"  # nothing to do, on purpose (e.g. a hand-written schema generate leaves alone)
    CANCELLED = "cancelled"  # interrupted by Ctrl-C before or while running

    @property
    def is_failure(self) -> bool:
        return self in (Status.FAILED, Status.MISSING, Status.CANCELLED)


@dataclass
class ServiceResult:
    service: str
    status: Status
    duration: float = 0.0
    output: str = ""
    summary: str = ""  # one line for the table, e.g. "valid" or "P1012 at line 4"
    details: dict[str, Any] = field(default_factory=dict)
    cached: bool = False  # replayed from the cache: the work did not run this time

    def to_json(self) -> dict[str, Any]:
        """The JSON form. `details` is shared, not copied: tasks fill it with JSON values, and deep-copying a
        lint run's thousands of findings (`dataclasses.asdict`) only to serialise them was wasted work."""
        return {
            "service": self.service,
            "status": self.status.value,
            "duration": self.duration,
            "output": self.output,
            "summary": self.summary,
            "details": self.details,
            "cached": self.cached,
        }


@dataclass
class RunResult:
    task: str
    results: list[ServiceResult]
    duration: float
    interrupted: bool = False
    signal: int = signal.SIGINT  # what interrupted the run (SIGINT = Ctrl-C, SIGTERM = CI cancelling a job)

    @property
    def failed(self) -> list[ServiceResult]:
        return [r for r in self.results if r.status.is_failure]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + int(self.signal)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM
        return 1 if self.failed else 0

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for result in self.results:
            counts[result.status.value] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "duration": round(self.duration, 3),
            "interrupted": self.interrupted,
            "signal": signal.Signals(self.signal).name if self.interrupted else None,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "services": [r.to_json() for r in self.results],
        }


def json_default(value: Any) -> Any:
    """`json.dumps(default=...)` for result details: a dataclass a task left in them becomes its fields
    (what `asdict` on the whole result used to do), anything else is still an error."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} in a result is not JSON")


def results_text(runs: Sequence[RunResult]) -> str:
    """`{"version": 1, "runs": [...]}` with each service's result on a line of its own.

    Why not `json.dumps(indent=2)`: with an indent the json module leaves its C encoder for
    the pure-Python one. A lint run over 190 hand-written services carries ~2,300 findings:
    writing them took 0.15 s of CPU, a sixth of the run; one compact line per service takes
    0.03 s and still reads (and greps, and diffs) one service at a time.
    """
    blocks = []
    for run in runs:
        data = run.to_json()
        services = data.pop("services")
        head = json.dumps(data, default=json_default)[:-1]  # the run's fields, without the closing brace
        lines = ",\n".join(f"      {json.dumps(service, default=json_default)}" for service in services)
        blocks.append(f'    {head}, "services": [\n{lines}\n    ]}}' if services else f'    {head}, "services": []}}')
    return '{\n  "version": 1,\n  "runs": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"


def write_results(path: Path, runs: Sequence[RunResult]) -> None:
    write_text_atomically(path, results_text(runs))
