"""The progress page, computed from the manifest and the service states.

Same structure as the hand-kept Azora page (overall status, recently
implemented, phases as checklists, categories, weekly targets, milestones),
but every number is computed. Rendering is a pure function of the state: the
date shown is the date of the last commit that touched the manifest or the
services tree (not "today"), so rendering twice gives the same bytes and
`--check` only fails when the page is really stale.
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from azora_tasks.manifest import MILESTONE_CONDITION, Manifest, Milestone
from azora_tasks.paths import template_environment
from azora_tasks.state import ServiceState

RECENT_COUNT = 9
TEMPLATE_NAME = "progress.md.j2"


@dataclass(frozen=True)
class Count:
    done: int
    total: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class PhaseProgress:
    number: int
    title: str
    count: Count
    services: list[tuple[str, bool]]  # (name, implemented)


@dataclass(frozen=True)
class CategoryProgress:
    key: str
    title: str
    summary: str
    target: int
    listed: int
    implemented: int


@dataclass(frozen=True)
class WeekProgress:
    number: int
    start: datetime.date | None
    target: int
    actual: int | None
    status: str


@dataclass(frozen=True)
class MilestoneProgress:
    number: int
    title: str
    when: str
    reached: bool


@dataclass(frozen=True)
class ProgressReport:
    as_of: datetime.date
    total: int
    implemented: Count
    generated: int
    customised: int
    invalid: int
    not_validated: int  # schemas Prisma was never asked about (no validate run, or --lint-only only)
    linted: int
    lint_clean: int
    clients: int  # services whose own client matches their current schema
    uncommitted: int  # implemented schemas with no commit yet: not in "recent" or the weekly figures
    recent: list[tuple[str, str, datetime.date | None]]  # (name, description, first seen)
    phases: list[PhaseProgress]
    categories: list[CategoryProgress]
    weeks: list[WeekProgress]
    milestones: list[MilestoneProgress]
    states: list[ServiceState]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["implemented"] = {"done": self.implemented.done, "total": self.implemented.total, "percent": self.implemented.percent}
        data["states"] = [state.to_json() for state in self.states]
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def last_change_date(manifest: Manifest) -> datetime.date | None:
    """Committer date of the last commit touching the manifest or the services tree."""
    try:
        completed = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", manifest.path.name, manifest.settings.services_dir],
            cwd=manifest.root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    text = completed.stdout.strip()
    return datetime.date.fromisoformat(text) if completed.returncode == 0 and text else None


def build_report(manifest: Manifest, states: Mapping[str, ServiceState], as_of: datetime.date) -> ProgressReport:
    services = list(manifest.services.values())
    total = max(sum(c.target for c in manifest.categories.values()), len(services))
    done = {name for name, state in states.items() if state.implemented}
    phases = [
        PhaseProgress(
            phase.number,
            phase.title,
            Count(sum(1 for s in members if s.name in done), len(members)),
            [(s.name, s.name in done) for s in members],
        )
        for phase in manifest.phases.values()
        for members in [[s for s in services if s.phase == phase.number]]
    ]
    categories = [
        CategoryProgress(
            category.key,
            category.title,
            category.summary,
            category.target,
            sum(1 for s in services if s.category == category.key),
            sum(1 for s in services if s.category == category.key and s.name in done),
        )
        for category in manifest.categories.values()
    ]
    # Newest first; services added on the same day keep the manifest's order.
    dated = sorted(
        ((-first_seen.toordinal(), position, s.name) for position, s in enumerate(services) if s.name in done and (first_seen := states[s.name].first_seen)),
    )
    recent_names = [name for _, _, name in dated[:RECENT_COUNT]]
    report = ProgressReport(
        as_of=as_of,
        total=total,
        implemented=Count(len(done), total),
        generated=sum(1 for s in states.values() if s.label == "generated"),
        customised=sum(1 for s in states.values() if s.label == "customised"),
        invalid=sum(1 for s in states.values() if s.label == "invalid"),
        not_validated=sum(1 for s in states.values() if s.label == "not validated"),
        linted=sum(1 for s in states.values() if s.lint_clean is not None),
        lint_clean=sum(1 for s in states.values() if s.lint_clean),
        clients=sum(1 for s in states.values() if s.client_generated),
        uncommitted=sum(1 for name in done if states[name].first_seen is None),
        recent=[(name, manifest.services[name].description, states[name].first_seen) for name in recent_names],
        phases=phases,
        categories=categories,
        weeks=_weeks(manifest, states, as_of),
        milestones=[],
        states=[states[s.name] for s in sorted(services, key=lambda s: s.name)],
    )
    milestones = [
        MilestoneProgress(number, milestone.title, milestone.when, milestone_reached(milestone, report, manifest, states))
        for number, milestone in enumerate(manifest.milestones, 1)
    ]
    return ProgressReport(**{**report.__dict__, "milestones": milestones})


def milestone_reached(milestone: Milestone, report: ProgressReport, manifest: Manifest, states: Mapping[str, ServiceState]) -> bool:
    match = MILESTONE_CONDITION.match(milestone.when)
    assert match, "the manifest loader validates milestone conditions"
    if match["implemented"]:
        return report.implemented.done >= int(match["implemented"])
    if match["coverage"]:
        return report.implemented.percent >= float(match["coverage"])
    if match["phase"]:
        phase = next(p for p in report.phases if p.number == int(match["phase"]))
        return phase.count.total > 0 and phase.count.done == phase.count.total
    category = next(c for c in report.categories if c.key == match["category"])
    return category.implemented >= category.target


def _weeks(manifest: Manifest, states: Mapping[str, ServiceState], as_of: datetime.date) -> list[WeekProgress]:
    """Implemented schemas per week of their first commit: the same services the page's total counts."""
    committed = sorted(state.first_seen for state in states.values() if state.first_seen)
    seen = sorted(state.first_seen for state in states.values() if state.first_seen and state.implemented)
    start = datetime.date.fromisoformat(manifest.settings.plan_start) if manifest.settings.plan_start else (committed[0] if committed else None)
    weeks = []
    for week in manifest.weeks:
        if start is None:
            weeks.append(WeekProgress(week.number, None, week.target, None, "Pending"))
            continue
        begin = start + datetime.timedelta(days=7 * (week.number - 1))
        end = begin + datetime.timedelta(days=7)
        actual = sum(1 for date in seen if begin <= date < end)
        if actual >= week.target:
            status = "Done"
        elif as_of < begin:
            status = "Pending"
        elif as_of < end:
            status = "In Progress"
        else:
            status = "Missed"
        weeks.append(WeekProgress(week.number, begin, week.target, actual if as_of >= begin else None, status))
    return weeks


def render_markdown(report: ProgressReport, manifest: Manifest) -> str:
    return template_environment().get_template(TEMPLATE_NAME).render(report=report, manifest_name=manifest.path.name)


def report_path(manifest: Manifest) -> Path:
    return manifest.root / manifest.settings.report_path
