"""`validate` reads each service's schema files once and merges each service's lint config once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.tasks import validate
from tests.conftest import REPO_ROOT, VALID_SCHEMA, write_schema

IGNORES = """
[[lint.ignores]]
models = ["User"]
rules = ["AZL015"]
reason = "checked by hand"
"""


@pytest.fixture
def counted(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """(schema file reads per service, lint-config merges per service) while the test runs."""
    for name in ("auth", "user-service", "course-service", "search-service"):
        write_schema(monorepo, name, VALID_SCHEMA)
    with (monorepo / "services.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(IGNORES)  # the unused-ignore check asks for every service's config too
    reads: Counter[str] = Counter()
    for method in ("read_bytes", "read_text"):
        original = getattr(Path, method)

        def counting(self: Path, *args: object, _original=original, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
            if self.suffix == ".prisma" and "services" in self.parts:
                reads[self.parent.parent.name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, counting)
    configs: Counter[str] = Counter()
    merge = validate.lint_config_for

    def counting_config(manifest, service, selection=None):  # type: ignore[no-untyped-def]
        configs[service.name] += 1
        return merge(manifest, service, selection)

    monkeypatch.setattr(validate, "lint_config_for", counting_config)
    return reads, configs


def test_lint_only_reads_each_schema_once_and_merges_each_config_once(monorepo: Path, counted: tuple[Counter[str], Counter[str]]) -> None:
    reads, configs = counted
    out = monorepo / "out"
    code = main(
        ["validate", "--lint-only", "--no-cache", "--manifest", str(monorepo / "services.toml"), "--junit", str(out / "j.xml"), "--sarif", str(out / "s.sarif")]
    )
    assert code == 0
    assert reads == {"auth": 1, "user-service": 1, "course-service": 1, "search-service": 1}
    assert configs == {"auth": 1, "user-service": 1, "course-service": 1, "search-service": 1}


@pytest.mark.prisma
def test_prisma_and_lint_share_one_read(monorepo: Path, prisma_cli: Path, counted: tuple[Counter[str], Counter[str]]) -> None:
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    reads, configs = counted
    assert main(["validate", "--no-cache", "--engine", "wasm", "--manifest", str(monorepo / "services.toml")]) == 0
    assert reads == {"auth": 1, "user-service": 1, "course-service": 1, "search-service": 1}
    assert configs == {"auth": 1, "user-service": 1, "course-service": 1, "search-service": 1}
