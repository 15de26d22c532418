"""Fixtures of `tests/migrate` (temporary monorepos, real SQLite, a real PostgreSQL) for the CI-gate tests."""

from tests.migrate.conftest import migrate, pg_database, postgres_server  # noqa: F401
