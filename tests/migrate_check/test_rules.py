"""Every migration-lint rule: its documented bad example is reported, its good example is not."""

from __future__ import annotations

import pytest

from azora_tasks.migrate_lint import RULES, lint_folder, lint_sql
from azora_tasks.migrate_lint.rules import GUARD_RULES, find_rule
from azora_tasks.migrate_lint.rules.locking import binary_coercible

from .lint_helpers import lint_example

ATLAS_CODES = {"DS101", "DS102", "DS103", "MF101", "MF102", "MF103", "MF104", "CD101", "PG101", "PG301"}
STATEMENT_RULES = [rule for rule in RULES if rule.code != "AZM000"]  # AZM000 is about unreadable files, tested below


def test_registry_codes_are_unique_documented_and_atlas_codes_only_for_atlas_checks() -> None:
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        sections = rule.doc_sections()
        assert sections["summary"] and sections["why"] and sections["bad"] and sections["good"], rule.code
        assert rule.atlas == (rule.code in ATLAS_CODES), rule.code
        assert rule.atlas or rule.code.startswith("AZM"), f"{rule.code}: a check that is not Atlas's needs an AZM code"
    assert find_rule("column-dropped") is find_rule("ds103")
    assert "MF105" not in {rule.code for rule in RULES} and {"BC101", "BC102"}.isdisjoint(rule.code for rule in RULES)
    assert {rule.code for rule in GUARD_RULES} == {"DS101", "DS102", "DS103", "MF101", "MF102", "MF103", "MF104", "AZM101", "AZM102", "AZM103"}


@pytest.mark.parametrize("rule", STATEMENT_RULES, ids=lambda rule: rule.code)
def test_bad_example_is_reported(rule) -> None:  # type: ignore[no-untyped-def]
    result = lint_example(rule, rule.doc_sections()["bad"])
    assert rule.code in [finding.code for finding in result.findings], result.findings


@pytest.mark.parametrize("rule", STATEMENT_RULES, ids=lambda rule: rule.code)
def test_good_example_is_clean(rule) -> None:  # type: ignore[no-untyped-def]
    """The good form raises nothing of this rule (and no error of any other: examples stay realistic)."""
    result = lint_example(rule, rule.doc_sections()["good"])
    assert rule.code not in [finding.code for finding in result.findings], result.findings
    assert not result.has_errors, result.findings


def test_unreadable_migration_is_reported_and_others_still_linted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "migrations"
    (folder / "20250101000000_init").mkdir(parents=True)
    (folder / "20250101000000_init" / "migration.sql").write_text('CREATE TABLE "User" ("id" TEXT NOT NULL, "age" INTEGER);\n')
    (folder / "20250102000000_bad").mkdir()
    (folder / "20250102000000_bad" / "migration.sql").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "20250103000000_drop").mkdir()
    (folder / "20250103000000_drop" / "migration.sql").write_text('ALTER TABLE "User" DROP COLUMN "age";\n')
    result, linted = lint_folder(folder, provider="postgresql")
    assert linted == ["20250101000000_init", "20250102000000_bad", "20250103000000_drop"]
    assert [(f.code, f.path.split("/")[-2]) for f in result.findings] == [("AZM000", "20250102000000_bad"), ("DS103", "20250103000000_drop")]
    assert result.findings[1].line == 1 and result.findings[1].column == 1


def test_findings_point_at_the_statement_line() -> None:
    init = 'CREATE TABLE "User" ("id" TEXT NOT NULL, "age" INTEGER);'
    sql = '-- a comment\n\nCREATE TABLE "Tag" ("id" TEXT);\n  ALTER TABLE "User"\n    DROP COLUMN "age";\n'
    (finding,) = lint_sql(sql, "m.sql", previous=[init], provider="postgresql").findings
    assert (finding.code, finding.line, finding.column, finding.end_line) == ("DS103", 4, 3, 5)


def test_suppressions_trailing_next_statement_file_and_invalid() -> None:
    init = 'CREATE TABLE "User" ("id" TEXT NOT NULL, "a" INTEGER, "b" INTEGER, "c" INTEGER);'
    sql = (
        'ALTER TABLE "User" DROP COLUMN "a"; -- azora-lint-ignore DS103 unused since v2\n'
        "-- azora-lint-ignore column-dropped,MF104 merged into c\n"
        'ALTER TABLE "User" DROP COLUMN "b";\n'
        "-- azora-lint-ignore DS103\n"
        'ALTER TABLE "User" DROP COLUMN "c";\n'
        "-- azora-lint-ignore XX999 nonsense\n"
    )
    result = lint_sql(sql, "m.sql", previous=[init], provider="postgresql")
    assert result.suppressed == 2
    assert [(f.code, f.line) for f in result.findings] == [("AZM090", 4), ("DS103", 5), ("AZM090", 6)]
    whole = lint_sql(
        "-- azora-lint-ignore-file DS103 table being retired\n" + sql.replace("-- azora-lint-ignore DS103\n", ""),
        "m.sql",
        previous=[init],
        provider="postgresql",
    )
    assert [f.code for f in whole.findings] == ["AZM090"] and whole.suppressed == 3


def test_prisma_shapes_stay_quiet() -> None:
    """What Prisma writes for new tables, re-created foreign keys and SQLite redefinitions raises nothing."""
    init = """CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;"""
    assert lint_sql(init, "init.sql", provider="postgresql").findings == []
    actions = """ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;"""
    assert [f.code for f in lint_sql(actions, "m.sql", previous=[init], provider="postgresql").findings] == ["AZM201"]  # a warning
    new_table = """CREATE TABLE "Tag" ("id" TEXT NOT NULL, "postId" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Tag_postId_idx" ON "Tag"("postId");
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;"""
    assert lint_sql(new_table, "m.sql", previous=[init], provider="postgresql").findings == []


def test_sqlite_redefinition_reports_what_changed_not_a_drop() -> None:
    init = """CREATE TABLE "User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "age" INTEGER,
    "teamId" TEXT, CONSTRAINT "User_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");"""
    redefine = """PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "age" INTEGER NOT NULL, "teamId" TEXT);
INSERT INTO "new_User" ("age", "email", "id", "teamId") SELECT "age", "email", "id", "teamId" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;"""
    codes = sorted(f.code for f in lint_sql(redefine, "m.sql", previous=[init], provider="sqlite").findings)
    assert codes == ["CD101", "MF104"]


def test_type_changes_postgres_treats_free_widening_as_safe() -> None:
    assert binary_coercible("VARCHAR(50)", "VARCHAR(200)") and binary_coercible("VARCHAR(50)", "TEXT")
    assert binary_coercible("DECIMAL(10,2)", "DECIMAL(12,2)")
    assert not binary_coercible("VARCHAR(200)", "VARCHAR(50)") and not binary_coercible("INTEGER", "BIGINT")
    assert not binary_coercible("DECIMAL(10,2)", "DECIMAL(12,4)")


def test_mysql_forms() -> None:
    init = (
        "CREATE TABLE `Post` (`id` VARCHAR(191) NOT NULL, `authorId` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4;\n"
        "CREATE INDEX `Post_authorId_idx` ON `Post`(`authorId`);\n"
        "ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;"
    )
    sql = "ALTER TABLE `Post` DROP FOREIGN KEY `Post_authorId_fkey`;\nDROP INDEX `Post_authorId_idx` ON `Post`;\nCREATE UNIQUE INDEX `Post_authorId_key` ON `Post`(`authorId`);"
    codes = sorted(f.code for f in lint_sql(sql, "m.sql", previous=[init], provider="mysql").findings)
    assert codes == ["CD101", "MF102"]  # no PostgreSQL rules on MySQL


def test_committed_docs_page_is_generated_from_the_registry() -> None:
    from azora_tasks.migrate_lint.docs import render_markdown
    from tests.conftest import REPO_ROOT

    page = (REPO_ROOT / "docs" / "migration-lint.md").read_text(encoding="utf-8")
    assert page == render_markdown(), "regenerate: python -m azora_tasks.migrate_lint.docs > docs/migration-lint.md"
    for rule in RULES:
        assert f"### {rule.code} {rule.name}" in page
