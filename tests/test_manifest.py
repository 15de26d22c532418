"""Manifest loading: the real services.toml loads, and each class of error names file, line, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from azora_tasks.manifest import ManifestError, find_manifest, load_manifest
from tests.conftest import REPO_ROOT, SMALL_MANIFEST, write_manifest


def test_the_azora_manifest_lists_every_service_of_the_seed() -> None:
    manifest = load_manifest(REPO_ROOT / "services.toml")
    by_phase = {phase: [s for s in manifest.services.values() if s.phase == phase] for phase in manifest.phases}
    assert {phase: len(services) for phase, services in by_phase.items()} == {1: 15, 2: 20, 3: 18}
    assert sum(category.target for category in manifest.categories.values()) == 190
    assert [c.target for c in manifest.categories.values()] == [60, 35, 25, 15, 20, 10, 15, 10]
    assert len(manifest.milestones) == 6
    assert [(w.number, w.target) for w in manifest.weeks] == [(1, 15), (2, 38), (3, 25), (4, 53)]
    assert manifest.services["auth"].description == "Authentication with users, sessions, refresh tokens"
    assert all(service.description for service in manifest.services.values())


def test_settings_have_defaults_and_paths_resolve(monorepo: Path) -> None:
    manifest = load_manifest(monorepo / "services.toml")
    auth = manifest.services["auth"]
    assert manifest.schema_file(auth) == monorepo / "services" / "auth" / "prisma" / "schema.prisma"
    assert manifest.provider_for(auth) == "sqlite"
    assert manifest.settings.database_urls["postgresql"].startswith("postgresql://")


def _error_for(root: Path, text: str) -> ManifestError:
    write_manifest(root, text)
    with pytest.raises(ManifestError) as caught:
        load_manifest(root / "services.toml")
    return caught.value


BASE = SMALL_MANIFEST.format(prisma_cli="node_modules/prisma/build/index.js")


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("change", "key", "problem", "line_needle"),
    [
        pytest.param(("[services.auth]\n", '[services.auth]\ncolour = "blue"\n'), "services.auth.colour", "unknown key 'colour'", "colour =", id="unknown-key"),
        pytest.param(("[settings]\n", "[settings]\nmystery = 1\n"), "settings.mystery", "unknown key 'mystery'", "mystery =", id="unknown-settings-key"),
        pytest.param(
            ('phase = 1\ncategory = "core"\ndescription = "Authentication"', 'phase = "one"\ncategory = "core"\ndescription = "Authentication"'),
            "services.auth.phase",
            "expected an integer, found a string ('one')",
            'phase = "one"',
            id="wrong-type",
        ),
        pytest.param(("target = 3", "target = true"), "categories.core.target", "expected an integer, found a boolean", "target = true", id="bool-is-not-int"),
        pytest.param(
            ("[services.search-service]", "[services.search-service]\nphase = 7"),
            "services.search-service.phase",
            "phase 7 does not exist",
            "phase = 7",
            id="unknown-phase",
        ),
        pytest.param(
            ('category = "education"', 'category = "edu"'),
            "services.course-service.category",
            "category 'edu' does not exist",
            'category = "edu"',
            id="unknown-category",
        ),
        pytest.param(
            ("[services.search-service]", '[services."../etc"]\ncategory = "core"\n\n[services.search-service]'),
            "services.../etc",
            "not a safe directory name",
            "../etc",
            id="unsafe-dotdot",
        ),
        pytest.param(
            ("[services.search-service]", '[services.".hidden"]\ncategory = "core"\n\n[services.search-service]'),
            "services..hidden",
            "not a safe directory name",
            ".hidden",
            id="unsafe-leading-dot",
        ),
        pytest.param(
            ("[services.search-service]", '[services."a/b"]\ncategory = "core"\n\n[services.search-service]'),
            "services.a/b",
            "not a safe directory name",
            '"a/b"',
            id="unsafe-slash",
        ),
        pytest.param(
            ('provider = "sqlite"', 'provider = "oracle"'), "settings.provider", "unknown provider 'oracle'", 'provider = "oracle"', id="unknown-provider"
        ),
        pytest.param(
            ("[phases.1]", '[[milestones]]\ntitle = "Half"\nwhen = "half done"\n\n[phases.1]'),
            "milestones[0].when",
            "cannot read condition 'half done'",
            'when = "half done"',
            id="bad-milestone",
        ),
        pytest.param(
            ("[phases.1]", '[[milestones]]\ntitle = "P9"\nwhen = "phase 9 complete"\n\n[phases.1]'),
            "milestones[0].when",
            "phase 9 does not exist",
            'when = "phase 9',
            id="milestone-unknown-phase",
        ),
        pytest.param(
            ('[services.user-service]\nphase = 1\ncategory = "core"\n', "[services.user-service]\nphase = 1\n"),
            "services.user-service",
            "missing required key 'category'",
            "[services.user-service]",
            id="missing-required",
        ),
    ],
)
def test_each_error_names_file_line_key_and_fix(tmp_path: Path, change: tuple[str, str], key: str, problem: str, line_needle: str) -> None:
    text = BASE.replace(*change)
    assert text != BASE, "the test's replacement did not apply"
    error = _error_for(tmp_path, text)
    assert error.key == key
    assert problem in error.problem
    assert error.line == _line_of(text, line_needle)
    assert error.fix
    rendered = str(error)
    assert rendered.startswith(f"{tmp_path / 'services.toml'}:{error.line}: {key}: ")
    assert "fix: " in rendered


def test_duplicate_service_table_is_reported_with_its_line(tmp_path: Path) -> None:
    text = BASE + '\n[services.auth]\ncategory = "core"\n'
    error = _error_for(tmp_path, text)
    assert "declared twice" in error.problem
    assert error.line == len(text.splitlines()) - 1 or error.line == len(text.splitlines())


def test_duplicate_service_differing_in_case(tmp_path: Path) -> None:
    error = _error_for(tmp_path, BASE + '\n[services.Auth]\ncategory = "core"\n')
    assert "differ only in case" in error.problem
    assert error.line == len((BASE + "\n[services.Auth]").splitlines())


def test_duplicate_key_in_one_table(tmp_path: Path) -> None:
    text = BASE.replace('description = "Authentication"', 'description = "Authentication"\ndescription = "again"')
    error = _error_for(tmp_path, text)
    assert "set twice" in error.problem
    assert error.line == _line_of(text, 'description = "again"')


def test_syntax_error_reports_line(tmp_path: Path) -> None:
    text = BASE.replace("target = 3", "target = ")
    error = _error_for(tmp_path, text)
    assert error.key == "syntax"
    assert error.line == _line_of(text, "target = ")


def test_find_manifest_searches_parents(monorepo: Path) -> None:
    nested = monorepo / "services" / "auth"
    nested.mkdir(parents=True)
    assert find_manifest(nested) == monorepo / "services.toml"


def test_no_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no services.toml found"):
        find_manifest(tmp_path)
