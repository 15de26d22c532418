"""The one SQL splitter (migrate_lint/sql.py) as SQLite migrations are applied with it (migrate/sqlite_history.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from azora_tasks.migrate import sqlite_history
from azora_tasks.migrate_lint.sql import parse_script

SCRIPT = """\
-- Two statements on one line; a literal with `;` and doubled spaces; a trigger body with inner `;`.
CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY, "text" TEXT NOT NULL DEFAULT 'a  ;  b', "edits" INTEGER NOT NULL DEFAULT 0); CREATE TABLE "Log" ("note" INTEGER);
/* a block comment; with a semicolon */
CREATE TRIGGER "Note_edited" AFTER UPDATE ON "Note" BEGIN
  UPDATE "Note" SET "edits" = "edits" + 1 WHERE "id" = NEW."id"; -- inner; comment
  INSERT INTO "Log" ("note") VALUES (NEW."id");
END;
INSERT INTO "Note" ("id") VALUES (1)
"""


def test_statements_keep_their_source_and_trigger_bodies() -> None:
    statements = parse_script(SCRIPT).statements
    assert len(statements) == 4
    assert statements[0].source.endswith("'a  ;  b', \"edits\" INTEGER NOT NULL DEFAULT 0);")
    assert statements[2].source.startswith('CREATE TRIGGER "Note_edited"') and statements[2].source.endswith("END;")
    assert "-- inner; comment" in statements[2].source and statements[2].line == 4


def test_sqlite_apply_runs_every_statement_exactly(tmp_path: Path) -> None:
    database = tmp_path / "notes.db"
    outcome = sqlite_history.apply_migration(database, "20240101000000_notes", SCRIPT)
    assert outcome.ok, outcome.message
    with sqlite3.connect(database) as connection:
        connection.execute('UPDATE "Note" SET "text" = \'x\' WHERE "id" = 1')
        assert connection.execute('SELECT "edits" FROM "Note"').fetchall() == [(1,)]
        assert connection.execute('SELECT count(*) FROM "Log"').fetchall() == [(1,)]
        default = connection.execute("SELECT dflt_value FROM pragma_table_info('Note') WHERE name = 'text'").fetchone()
    assert default == ("'a  ;  b'",)
