"""`parse_script`: statements with positions; a `;` inside a quoted literal or a dollar-quoted body ends nothing."""

from __future__ import annotations

from azora_tasks.migrate_lint.sql import parse_script

SQL = """\
INSERT INTO "T" ("a") VALUES ('x;y'), ('it''s;');
CREATE FUNCTION f() RETURNS trigger AS $body$
BEGIN RETURN NEW; END;
$body$ LANGUAGE plpgsql; -- trailing note
/* block; comment */ DROP TABLE "U";
"""


def test_literals_and_dollar_bodies_stay_whole_and_positions_are_exact() -> None:
    script = parse_script(SQL)
    assert [(s.text, s.line, s.column, s.end_line, s.end_column) for s in script.statements] == [
        ("INSERT INTO \"T\" (\"a\") VALUES ('x;y'), ('it''s;')", 1, 1, 1, 49),
        ("CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NEW; END; $body$ LANGUAGE plpgsql", 2, 1, 4, 24),
        ('DROP TABLE "U"', 5, 22, 5, 36),
    ]
    assert [(c.text, c.line, c.trailing) for c in script.comments] == [("trailing note", 4, True)]
