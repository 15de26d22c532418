"""Selection: names, globs, phase, category, git changes and shards compose by intersection."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from azora_tasks.manifest import Manifest, Service, load_manifest
from azora_tasks.selection import Criteria, SelectionError, Shard, select_services, shard_services
from tests.conftest import REPO_ROOT, write_schema


def names(services: list[Service]) -> list[str]:
    return [s.name for s in services]


@pytest.fixture
def manifest(monorepo: Path) -> Manifest:
    return load_manifest(monorepo / "services.toml")


def test_everything_by_default_sorted(manifest: Manifest) -> None:
    assert names(select_services(manifest, Criteria())) == ["auth", "course-service", "search-service", "user-service"]


def test_names_and_globs(manifest: Manifest) -> None:
    assert names(select_services(manifest, Criteria(patterns=("auth", "*-service")))) == [
        "auth",
        "course-service",
        "search-service",
        "user-service",
    ]
    assert names(select_services(manifest, Criteria(patterns=("c*",)))) == ["course-service"]


def test_unknown_service_suggests_close_names(manifest: Manifest) -> None:
    with pytest.raises(SelectionError, match="unknown service 'user'.*did you mean user-service"):
        select_services(manifest, Criteria(patterns=("user",)))


def test_phase_and_category_compose(manifest: Manifest) -> None:
    assert names(select_services(manifest, Criteria(phases=(1,)))) == ["auth", "user-service"]
    assert names(select_services(manifest, Criteria(categories=("core",), phases=(1,), patterns=("u*",)))) == ["user-service"]
    with pytest.raises(SelectionError, match="unknown phase 5"):
        select_services(manifest, Criteria(phases=(5,)))
    with pytest.raises(SelectionError, match="unknown category 'nope'"):
        select_services(manifest, Criteria(categories=("nope",)))


@pytest.mark.parametrize("text", ["2", "0/3", "4/3", "a/b", "1/0"])
def test_bad_shards_are_rejected(text: str) -> None:
    with pytest.raises(SelectionError, match="--shard"):
        Shard.parse(text)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 53, 60])
def test_shards_are_disjoint_covering_and_balanced(count: int) -> None:
    services = list(load_manifest(REPO_ROOT / "services.toml").services.values())
    parts = [names(shard_services(services, Shard(index, count))) for index in range(1, count + 1)]
    flat = [name for part in parts for name in part]
    assert sorted(flat) == sorted(s.name for s in services)
    assert len(flat) == len(set(flat))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_shards_do_not_depend_on_manifest_order() -> None:
    services = list(load_manifest(REPO_ROOT / "services.toml").services.values())
    forward = names(shard_services(services, Shard(2, 4)))
    assert names(shard_services(list(reversed(services)), Shard(2, 4))) == forward


def test_weighted_shards_balance_durations() -> None:
    services = [Service(name=f"s{i}", category="core") for i in range(6)]
    weights = {"s0": 10.0, "s1": 1.0, "s2": 1.0, "s3": 1.0, "s4": 1.0, "s5": 6.0}
    parts = [shard_services(services, Shard(i, 2), weights) for i in (1, 2)]
    loads = sorted(sum(weights[s.name] for s in part) for part in parts)
    assert loads == [10.0, 10.0]
    assert sorted(names(parts[0]) + names(parts[1])) == sorted(weights)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_changed_since_picks_changed_service_folders_and_manifest_entries(monorepo: Path) -> None:
    _git(monorepo, "init", "-q")
    _git(monorepo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "empty")
    write_schema(monorepo, "auth")
    write_schema(monorepo, "user-service")
    _git(monorepo, "add", "-A")
    _git(monorepo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    manifest = load_manifest(monorepo / "services.toml")
    assert select_services(manifest, Criteria(changed_since="HEAD")) == []

    (monorepo / "services" / "auth" / "prisma" / "schema.prisma").write_text("// edited\n")  # unstaged edit
    write_schema(monorepo, "course-service")  # untracked new file
    text = (monorepo / "services.toml").read_text()
    (monorepo / "services.toml").write_text(
        text.replace('[services.search-service]\ncategory = "core"', '[services.search-service]\ncategory = "core"\ndescription = "Search"')
    )
    manifest = load_manifest(monorepo / "services.toml")
    assert names(select_services(manifest, Criteria(changed_since="HEAD"))) == ["auth", "course-service", "search-service"]
    assert names(select_services(manifest, Criteria(changed_since="HEAD", phases=(2,)))) == ["course-service"]


def test_changed_since_with_a_bad_ref_is_a_clear_error(monorepo: Path) -> None:
    _git(monorepo, "init", "-q")
    manifest = load_manifest(monorepo / "services.toml")
    with pytest.raises(SelectionError, match="--changed-since"):
        select_services(manifest, Criteria(changed_since="no-such-ref"))
