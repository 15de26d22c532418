"""Adopting the lint on a foreign tree of 100+ services and 500+ findings: baseline, select,
statistics, one-line format, manifest ignores and `--fix`, through the real command line."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from azora_tasks.cli import main
from azora_tasks.lint import RULES
from azora_tasks.lint.synthetic import write_foreign_tree

REPO_ROOT = Path(__file__).resolve().parents[2]
PRISMA_CLI = REPO_ROOT / "node_modules" / "prisma" / "build" / "index.js"
SERVICES = 100
VOUCHER = '\nmodel Voucher {\n  id        String    @id @default(uuid())\n  code      String    @unique\n  deletedAt DateTime?\n\n  @@map("vouchers")\n}\n'
STAT_LINE = re.compile(r"^(AZL\d{3})  \S+ +(\d+)  in (\d+) services?  ", re.M)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_foreign_tree(tmp_path, SERVICES, PRISMA_CLI.as_posix())


def run(manifest: Path, *args: str) -> tuple[int, dict[str, dict]]:
    results = manifest.parent / "results.json"
    code = main(["validate", "--manifest", str(manifest), "--json", str(results), *args])
    data = json.loads(results.read_text(encoding="utf-8"))["runs"][0]["services"]
    return code, {entry["service"]: entry for entry in data}


def items(results: dict[str, dict], *, new_only: bool = False) -> list[tuple[str, dict]]:
    found = []
    for name, entry in results.items():
        for item in entry["details"].get("lint", {}).get("items", []):
            if not (new_only and item.get("baselined")):
                found.append((name, item))
    return found


def schema(manifest: Path, service: str) -> Path:
    return manifest.parent / "services" / service / "prisma" / "schema.prisma"


def test_baseline_then_only_new_findings_fail(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, results = run(tree, "--lint-only")
    assert code == 1 and len(results) >= 100
    assert len(items(results)) >= 500 and sum(r["status"] == "failed" for r in results.values()) >= 100

    assert run(tree, "--lint-only", "--update-baseline")[0] == 0
    baseline = tree.parent / "lint-baseline.json"
    first = baseline.read_bytes()
    data = json.loads(first)
    keys = [(e["service"], e["rule"], e["model"] or "", e["member"] or "") for e in data["findings"]]
    assert keys == sorted(keys) and data["total"] == len(items(results))
    assert all(set(e) == {"service", "rule", "name", "model", "member", "count"} for e in data["findings"])  # no lines
    assert run(tree, "--lint-only", "--update-baseline")[0] == 0 and baseline.read_bytes() == first  # stable
    capsys.readouterr()

    code, results = run(tree, "--lint-only")
    assert code == 0 and items(results, new_only=True) == []
    assert "baselined findings remain" in capsys.readouterr().out

    # an unrelated edit moves every line of a schema: nothing is "new"
    path = schema(tree, "svc-003")
    path.write_text("// moved down by a comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(tree, "--lint-only")[0] == 0

    # one model without timestamps in one service: exit 1 with exactly that finding
    path = schema(tree, "svc-007")
    path.write_text(path.read_text(encoding="utf-8") + VOUCHER, encoding="utf-8")
    capsys.readouterr()
    code, results = run(tree, "--lint-only", "--lint-format", "lines")
    new = items(results, new_only=True)
    assert code == 1
    assert [(name, item["code"], item["model"]) for name, item in new] == [("svc-007", "AZL002", "Voucher")]
    assert {name for name, r in results.items() if r["status"] == "failed"} == {"svc-007"}
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Voucher" in line and "AZL002" in line)
    assert re.fullmatch(r".*svc-007/prisma/schema\.prisma:\d+:7: AZL002 model `Voucher` has no `createdAt`/`updatedAt` timestamps", line)

    # a baselined finding that was fixed is named as gone
    text = schema(tree, "svc-010").read_text(encoding="utf-8")
    schema(tree, "svc-010").write_text(text.replace("model AuditLog {\n", "model AuditLog {\n  deletedAt DateTime?\n", 1), encoding="utf-8")
    run(tree, "--lint-only")
    out = capsys.readouterr().out
    assert "1 gone (fixed)" in out and "gone: svc-010: AZL003 AuditLog.deletedAt" in out


def test_statistics_totals_equal_the_json_counts(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lint_json = tree.parent / "lint.json"
    _, results = run(tree, "--lint-only", "--statistics", "--lint-json", str(lint_json))
    out = capsys.readouterr().out
    stats = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in STAT_LINE.finditer(out)}
    from_results = Counter(item["code"] for _, item in items(results))
    from_lint_json = Counter(f["code"] for service in json.loads(lint_json.read_text())["services"].values() for f in service["findings"])
    assert {code: count for code, (count, _) in stats.items()} == from_results == from_lint_json
    services = {code: len({name for name, item in items(results) if item["code"] == code}) for code in from_results}
    assert {code: n for code, (_, n) in stats.items()} == services
    total = sum(from_results.values())
    assert re.search(rf"^lint: {total} findings in {SERVICES} services — AZL", out, re.M)  # per-rule totals, always


def test_lines_format_is_never_truncated(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    _, results = run(tree, "--lint-only", "--lint-format", "lines")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if re.match(r"^\S+\.prisma:\d+:\d+: AZL\d{3} ", line)]
    assert len(lines) == len(items(results)) >= 500
    assert "more lines" not in out


def test_select_extend_select_and_ignore(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, results = run(tree, "--lint-only", "--select", "AZL00", "--ignore", "soft-delete,AZL006")
    codes = {item["code"] for _, item in items(results)}
    assert codes and all(c.startswith("AZL00") for c in codes) and not codes & {"AZL003", "AZL006"}
    _, results = run(tree, "--lint-only", "--select", "table-map", "--extend-select", "AZL008")
    assert {item["code"] for _, item in items(results)} == {"AZL007", "AZL008"}

    manifest_text = tree.read_text(encoding="utf-8")
    tree.write_text(manifest_text.replace("[phases.1]", '[lint]\nselect = ["AZL002"]\n\n[phases.1]'), encoding="utf-8")
    assert {item["code"] for _, item in items(run(tree, "--lint-only")[1])} == {"AZL002"}
    assert {item["code"] for _, item in items(run(tree, "--lint-only", "--select", "AZL001")[1])} == {"AZL001"}

    capsys.readouterr()
    assert main(["validate", "--manifest", str(tree), "--lint-only", "--select", "AZL9"]) == 2
    assert "--select: 'AZL9' matches no lint rule" in capsys.readouterr().out


def test_manifest_ignores_for_copied_models_and_unused_ones(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = run(tree, "--lint-only")
    copied = [(n, i) for n, i in items(before) if i["model"] in ("User", "AuditLog")]
    assert len({n for n, _ in copied}) == SERVICES  # the copy-pasted models are in every service
    text = tree.read_text(encoding="utf-8")
    ignores = (
        '[lint]\n\n[[lint.ignores]]\nmodels = ["User", "AuditLog"]\nrules = ["AZL001", "timestamps", "soft-delete", "table-map", "enum-for-status", "foreign-key-index"]\n'
        'reason = "copied from the auth and platform templates; fixed there (PLAT-12)"\n\n'
        '[[lint.ignores]]\nmodels = ["Nope*"]\nrules = ["money-decimal"]\nreason = "left over"\n\n'
        '[[lint.ignores]]\ncategories = ["edu"]\nrules = ["AZL008"]\nreason = "education keeps Float prices until the billing move"\n\n'
    )
    tree.write_text(text.replace("[phases.1]", ignores + "[phases.1]"), encoding="utf-8")
    capsys.readouterr()
    _, after = run(tree, "--lint-only")
    out = capsys.readouterr().out
    assert not [i for _, i in items(after) if i["model"] in ("User", "AuditLog")]
    assert not [i for n, i in items(after) if i["code"] == "AZL008" and int(n[4:]) > SERVICES // 2]
    assert len(items(after)) == len(items(before)) - len(copied) - sum(1 for n, i in items(before) if i["code"] == "AZL008" and int(n[4:]) > SERVICES // 2)
    line = tree.read_text(encoding="utf-8").splitlines().index('models = ["Nope*"]')  # 0-based line of the key
    assert f"unused ignore services.toml:{line}: [[lint.ignores]] #2" in out and "silences nothing" in out
    assert "findings (copied from the auth and platform templates; fixed there (PLAT-12))" in out

    tree.write_text(tree.read_text(encoding="utf-8").replace('reason = "left over"\n', ""), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "--manifest", str(tree), "--lint-only"]) == 2
    out = capsys.readouterr().out
    assert "lint.ignores[1]" in out and "needs a reason" in out


def test_broken_baseline_is_a_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree.parent / "lint-baseline.json").write_text("{not json", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "--manifest", str(tree), "--lint-only"]) == 2
    assert "lint-baseline.json: cannot read the lint baseline" in capsys.readouterr().out


def _digest(manifest: Path) -> str:
    files = sorted((manifest.parent / "services").rglob("*.prisma"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()


def test_diff_previews_and_writes_nothing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(tree)
    capsys.readouterr()
    run(tree, "--lint-only", "--diff", "svc-001")
    out = capsys.readouterr().out
    assert _digest(tree) == before
    assert "+  createdAt DateTime" in out and "+  @@index([actorId])" in out and "would fix" in out


@pytest.mark.prisma
def test_fix_removes_every_fixable_finding_stays_prisma_valid_and_is_idempotent(tree: Path, prisma_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree.parent / "node_modules").symlink_to(REPO_ROOT / "node_modules")  # the wasm worker resolves from the tree
    _, before = run(tree, "--lint-only", "--no-baseline")  # the findings alone: Prisma's verdicts come with the fixes below
    fixable = [i for _, i in items(before) if i["fixable"] == "safe"]
    assert len(fixable) >= 500

    code, after = run(tree, "--fix", "--engine", "wasm")
    assert all(r["details"]["prisma"] == "valid" for r in after.values())  # Prisma's own validator
    assert not [i for _, i in items(after) if i["fixable"] == "safe"]
    assert {i["code"] for _, i in items(after) if i["fixable"] == "unsafe"} == {"AZL007"}

    code, after = run(tree, "--fix", "--unsafe-fixes", "--engine", "wasm")
    assert all(r["details"]["prisma"] == "valid" for r in after.values())
    assert not [i for _, i in items(after) if i["fixable"]]
    fixed_codes = {r.code for r in RULES if r.fixable}
    assert not {i["code"] for _, i in items(after)} & (fixed_codes - {"AZL001"})  # AZL001 left: cuid()/Int ids are manual

    digest = _digest(tree)
    capsys.readouterr()
    run(tree, "--fix", "--unsafe-fixes", "--engine", "wasm")
    assert _digest(tree) == digest  # a second --fix is a no-op
    assert "fixed 0 findings in 0 files" in capsys.readouterr().out


def test_update_baseline_with_a_selection_keeps_the_other_rules_entries(tree: Path) -> None:
    assert run(tree, "--lint-only", "--update-baseline")[0] == 0
    everything = json.loads((tree.parent / "lint-baseline.json").read_text())["total"]
    assert run(tree, "--lint-only", "--update-baseline", "--select", "AZL002", "svc-001")[0] == 0
    assert json.loads((tree.parent / "lint-baseline.json").read_text())["total"] == everything
    assert run(tree, "--lint-only")[0] == 0


def test_reports_carry_the_baseline(tree: Path) -> None:
    import jsonschema

    run(tree, "--lint-only", "--update-baseline")
    path = schema(tree, "svc-007")
    path.write_text(path.read_text(encoding="utf-8") + VOUCHER, encoding="utf-8")
    junit, sarif, lint_json = (tree.parent / name for name in ("lint.xml", "lint.sarif", "lint.json"))
    run(tree, "--lint-only", "--junit", str(junit), "--sarif", str(sarif), "--lint-json", str(lint_json))
    log = json.loads(sarif.read_text())
    jsonschema.validate(log, json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text()))
    states = Counter(r["baselineState"] for r in log["runs"][0]["results"])
    assert states["new"] == 1 and states["unchanged"] >= 500
    findings = [f for s in json.loads(lint_json.read_text())["services"].values() for f in s["findings"]]
    assert [f["model"] for f in findings if not f["baselined"]] == ["Voucher"]
    xml = junit.read_text()
    assert xml.count("<failure") == 1 and "Voucher" in xml  # only the new finding fails a test case


LEGACY = """\
datasource db {
  provider = "postgresql"
  url      = "postgresql://postgres@127.0.0.1:5432/legacy"
}

model Legacy {
  id        String    @id @default(uuid())
  created   DateTime  @default(now()) @map("createdAt")
  updatedAt DateTime  @updatedAt
  deletedAt DateTime?

  @@map("legacies")
}
"""


@pytest.mark.prisma
def test_a_fix_prisma_rejects_is_reverted(tree: Path, prisma_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree.parent / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    path = schema(tree, "svc-001")
    path.write_text(LEGACY, encoding="utf-8")  # a new `createdAt` would clash with the column "createdAt"
    capsys.readouterr()
    _, results = run(tree, "--fix", "--engine", "wasm", "svc-001")
    assert path.read_text(encoding="utf-8") == LEGACY
    entry = results["svc-001"]
    assert entry["details"]["prisma"] == "valid" and entry["details"]["fix"]["files"] == []
    assert "already defined" in entry["details"]["fix"]["reverted"]
    assert [i["code"] for i in entry["details"]["lint"]["items"]] == ["AZL002"]  # the finding stays, for a human
    assert "fix reverted, Prisma rejected it" in capsys.readouterr().out
