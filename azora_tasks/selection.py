"""Choose which services a task runs on.

Every task accepts the same criteria (names and globs, phase, category, git
changes, shard) and they compose by intersection, so `--phase 1 --shard 2/4`
means "the second quarter of phase 1". Shards are computed on the sorted
selection, so every CI job that runs the same command gets the same split.
"""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.manifest import Manifest, ManifestError, Service, parse_manifest, parse_text


class SelectionError(Exception):
    """The selection criteria cannot be satisfied (unknown name, bad shard, git failure)."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count`, 1-based as people write it (`--shard 2/4`)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            left, right = text.split("/")
            shard = cls(int(left), int(right))
        except ValueError:
            raise SelectionError(f"--shard {text!r}: expected I/N, e.g. --shard 2/4") from None
        if not 1 <= shard.index <= shard.count:
            raise SelectionError(f"--shard {text!r}: I must be between 1 and N (got {shard.index}/{shard.count})")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class Criteria:
    """What the user asked for; empty fields mean "no restriction"."""

    patterns: tuple[str, ...] = ()
    phases: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    changed_since: str | None = None
    shard: Shard | None = None


def select_services(manifest: Manifest, criteria: Criteria, changed: Sequence[str] | None = None) -> list[Service]:
    """Apply every criterion in turn; the result is sorted by name.

    `changed`: `changed_files(root, criteria.changed_since)` when the caller has it already.
    """
    services = sorted(manifest.services.values(), key=lambda service: service.name)
    services = _by_patterns(services, criteria.patterns)
    if criteria.phases:
        _check_known("phase", criteria.phases, manifest.phases)
        services = [s for s in services if s.phase in criteria.phases]
    if criteria.categories:
        _check_known("category", criteria.categories, manifest.categories)
        services = [s for s in services if s.category in criteria.categories]
    if criteria.changed_since:
        names = changed_services(manifest, criteria.changed_since, changed)
        services = [s for s in services if s.name in names]
    if criteria.shard:
        services = shard_services(services, criteria.shard)
    return services


def _by_patterns(services: list[Service], patterns: Sequence[str]) -> list[Service]:
    if not patterns:
        return services
    chosen: set[str] = set()
    for pattern in patterns:
        matches = [s.name for s in services if fnmatch.fnmatchcase(s.name, pattern)]
        if not matches:
            close = [s.name for s in services if pattern.lower() in s.name.lower()][:5]
            hint = f"; did you mean {', '.join(close)}?" if close else "; `azora-tasks list` shows all services"
            raise SelectionError(f"unknown service {pattern!r}: no service in the manifest matches it{hint}")
        chosen.update(matches)
    return [s for s in services if s.name in chosen]


def _check_known(kind: str, asked: Iterable[object], known: Iterable[object]) -> None:
    known_list = list(known)
    for value in asked:
        if value not in known_list:
            raise SelectionError(f"unknown {kind} {value!r}: the manifest declares {', '.join(map(str, known_list)) or 'none'}")


def shard_services(services: Sequence[Service], shard: Shard, weights: dict[str, float] | None = None) -> list[Service]:
    """Deterministic, disjoint, covering split.

    Without weights: round-robin over the name-sorted list (sizes differ by at
    most one). With weights (earlier durations), greedy longest-first onto the
    lightest shard, ties broken by name, so shards finish at about the same time.
    """
    ordered = sorted(services, key=lambda s: s.name)
    if not weights:
        return [s for position, s in enumerate(ordered) if position % shard.count == shard.index - 1]
    default = sum(weights.values()) / len(weights)
    loads = [0.0] * shard.count
    assignment: dict[str, int] = {}
    for service in sorted(ordered, key=lambda s: (-weights.get(s.name, default), s.name)):
        target = min(range(shard.count), key=lambda i: (loads[i], i))
        loads[target] += weights.get(service.name, default)
        assignment[service.name] = target
    return [s for s in ordered if assignment[s.name] == shard.index - 1]


def changed_files(root: Path, ref: str) -> list[str]:
    """Files (relative to `root`) changed since `ref`: committed, staged, unstaged or untracked.

    The one place that asks git; `migrate --lint --changed-since` reuses the answer the
    selection got (`workflow.select_step` hands it on) to pick the migrations to lint.
    """
    return _git_lines(root, "diff", "--name-only", "--relative", ref, "--") + _git_lines(root, "ls-files", "--others", "--exclude-standard")


def changed_services(manifest: Manifest, ref: str, changed: Sequence[str] | None = None) -> set[str]:
    """Services whose folder changed since `ref` (committed, staged, unstaged or untracked),
    plus services whose manifest entry changed; a change to global settings selects all."""
    root = manifest.root
    files = list(changed) if changed is not None else changed_files(root, ref)
    services_prefix = Path(manifest.settings.services_dir).as_posix().rstrip("/") + "/"
    names: set[str] = set()
    for file in files:
        if file.startswith(services_prefix):
            names.add(file[len(services_prefix) :].split("/", 1)[0])
    manifest_name = manifest.path.relative_to(root).as_posix()
    if manifest_name in files:
        names |= _manifest_changes(manifest, ref, manifest_name)
    return names & set(manifest.services)


def _manifest_changes(manifest: Manifest, ref: str, manifest_name: str) -> set[str]:
    try:
        old_text = subprocess.run(["git", "show", f"{ref}:./{manifest_name}"], cwd=manifest.root, capture_output=True, text=True, check=True).stdout
        old = parse_manifest(parse_text(manifest.path, old_text), manifest.path, old_text)
    except (subprocess.CalledProcessError, ManifestError):
        return set(manifest.services)  # no comparable old manifest: everything may have changed
    if old.settings != manifest.settings or old.lint != manifest.lint or old.categories != manifest.categories:
        return set(manifest.services)
    return {name for name, service in manifest.services.items() if old.services.get(name) != service}


def _git_lines(root: Path, *args: str) -> list[str]:
    try:
        completed = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SelectionError("--changed-since needs git, which is not installed") from None
    if completed.returncode != 0:
        raise SelectionError(f"--changed-since: git {' '.join(args)} failed: {completed.stderr.strip()}")
    return [line for line in completed.stdout.splitlines() if line]
