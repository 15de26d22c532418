"""Terminal output: live progress while running, a summary table at the end.

On a terminal the progress is a live bar; in CI (or when output is piped) it is
one plain line per finished service, which reads well in a log. The summary
lists failures first with the first lines of their output, because that is
what the reader came for.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table

from azora_tasks.results import RunResult, ServiceResult, Status

FAILURE_OUTPUT_LINES = 8
_STYLES = {
    Status.OK: "green",
    Status.FAILED: "bold red",
    Status.MISSING: "yellow",
    Status.SKIPPED: "cyan",
    Status.CANCELLED: "magenta",
}
_NOISE = ("Prisma schema loaded from",)  # first line of every CLI call; says nothing about the failure
_ORDER = [Status.FAILED, Status.MISSING, Status.CANCELLED, Status.SKIPPED, Status.OK]


def status_label(result: ServiceResult) -> str:
    return f"{result.status.value} (cached)" if result.cached else result.status.value


def make_console(no_color: bool = False) -> Console:
    """A terminal gets colour and a live bar; CI and pipes get plain, unwrapped, 140-column output."""
    in_ci = bool(os.environ.get("CI"))
    piped = in_ci or not sys.stdout.isatty()
    return Console(
        file=sys.stdout,
        no_color=no_color or bool(os.environ.get("NO_COLOR")),
        force_terminal=False if in_ci else None,
        highlight=False,
        soft_wrap=True,  # messages are never folded mid-path; tables size themselves
        width=140 if piped else None,
    )


class LiveProgress:
    """A rich progress bar: one line that updates in place."""

    def __init__(self, console: Console) -> None:
        self._progress = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def start(self, task: str, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task(task, total=total, last="")

    def advance(self, result: ServiceResult) -> None:
        assert self._task is not None
        self._progress.update(self._task, advance=1, last=f"{result.service}: {status_label(result)}")

    def stop(self) -> None:
        self._progress.stop()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Take the bar off the screen while the user is asked something, then bring it back.

        The bar redraws itself ten times a second; a `[y/N]` question printed
        under it would be overwritten before it could be read.
        """
        live = self._progress.live.is_started
        if live:
            self._progress.stop()
        try:
            yield
        finally:
            if live:
                self._progress.start()


class PlainProgress:
    """One line per finished service, for logs."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._done = 0
        self._total = 0
        self._task = ""

    def start(self, task: str, total: int) -> None:
        self._task, self._total, self._done = task, total, 0

    def advance(self, result: ServiceResult) -> None:
        # Plain text straight to the stream: a log has no styling to render, and
        # 190 rich renders cost more than a whole cached run.
        self._done += 1
        width = len(str(self._total))
        extra = f" - {result.summary}" if result.summary else ""
        self._console.file.write(
            f"[{self._done:>{width}}/{self._total}] {self._task} {status_label(result):<9} {result.service} ({result.duration:.2f}s){extra}\n"
        )

    def stop(self) -> None:
        pass

    def paused(self) -> AbstractContextManager[None]:
        return nullcontext()


def progress_for(console: Console) -> LiveProgress | PlainProgress:
    return LiveProgress(console) if console.is_terminal else PlainProgress(console)


def prompt_for(progress: LiveProgress | PlainProgress) -> Callable[[str], bool]:
    """A yes/no question for tasks (migrate's destructive-change guard), asked with the live bar paused.

    Tasks know nothing about the terminal; they receive this function. One
    question at a time: worker threads asking at once queue behind the lock.
    """
    lock = threading.Lock()

    def ask(question: str) -> bool:
        with lock, progress.paused():
            return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")

    return ask


def sink_for(progress: LiveProgress | PlainProgress, console: Console) -> Callable[[str], None]:
    """Where tasks print text blocks (generate's `--dry-run` diffs): whole blocks, one at a time,
    with the live bar paused. Worker threads call it; the lock keeps two diffs from interleaving."""
    lock = threading.Lock()

    def show(text: str) -> None:
        with lock, progress.paused():
            console.file.write(text)
            console.file.flush()

    return show


FULL_TABLE_LIMIT = 30  # above this, the table lists only what needs attention unless --verbose


def print_summary(console: Console, run: RunResult, verbose: bool = False) -> None:
    """Failures first with their output's first lines, then a table, then totals.

    With many services a 190-row table of "ok" buries what matters (and takes
    longer to print than a cached run takes to compute), so past
    FULL_TABLE_LIMIT the table keeps only services that are not plain "ok".
    """
    ordered = sorted(run.results, key=lambda r: (_ORDER.index(r.status), r.service))
    for result in ordered:
        if not result.status.is_failure or result.status is Status.CANCELLED:
            continue
        console.rule(f"[{_STYLES[result.status]}]{result.status.value}: {escape(result.service)}", align="left")
        lines = [line for line in result.output.strip().splitlines() if line.strip() and not line.startswith(_NOISE)]
        if not lines:
            lines = [result.summary]
        shown_lines = [f"  {escape(line)}" for line in lines[:FAILURE_OUTPUT_LINES]]
        if len(lines) > FAILURE_OUTPUT_LINES:
            shown_lines.append(f"  ... ({len(lines) - FAILURE_OUTPUT_LINES} more lines; --json PATH keeps the full output)")
        console.print("\n".join(shown_lines))  # one call per service: rich's per-call cost adds up over 190 failures

    shown = ordered if verbose or len(ordered) <= FULL_TABLE_LIMIT else [r for r in ordered if r.status is not Status.OK]
    hidden = len(ordered) - len(shown)
    title = f"{run.task}: {len(run.results)} services in {run.duration:.1f}s"
    if hidden:
        title += f" ({hidden} ok not listed; --verbose lists every service)"
    table = Table(title=title, title_justify="left")
    table.add_column("service")
    table.add_column("status")
    table.add_column("time", justify="right")
    table.add_column("details", overflow="fold")
    for result in shown:
        style = _STYLES[result.status]
        table.add_row(escape(result.service), f"[{style}]{status_label(result)}[/{style}]", f"{result.duration:.2f}s", escape(result.summary))
    if shown:
        console.print(table)
    else:
        console.print(title)

    counts = run.counts()
    parts = [f"[{_STYLES[s]}]{counts[s.value]} {s.value}[/{_STYLES[s]}]" for s in _ORDER if counts[s.value]]
    cached = sum(1 for result in run.results if result.cached)
    if cached:
        parts.append(f"{cached} from cache")
    verdict = "[bold red]FAILED[/]" if run.exit_code else "[bold green]OK[/]"
    if run.interrupted:
        verdict = "[bold magenta]INTERRUPTED[/]"
    console.print(f"{verdict} {run.task}: " + ", ".join(parts or ["no services selected"]))
