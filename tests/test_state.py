"""The report's service states: each schema read once, shared client folders found by the one finder `clients` uses."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from azora_tasks import state
from azora_tasks.manifest import load_manifest
from tests.conftest import VALID_SCHEMA, write_schema

SHARED = VALID_SCHEMA.replace('output   = "../generated/client"', 'output   = "../../../shared/client"')


def _client(schema: Path, text: str) -> None:
    """What `prisma-client-js` leaves in its output: a copy of the schema it generated from."""
    output = schema.parent.parent / "generated" / "client"
    output.mkdir(parents=True)
    (output / "schema.prisma").write_text(text, encoding="utf-8")


def test_each_schema_is_read_once_and_shared_outputs_count_for_nobody(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _client(write_schema(monorepo, "auth"), VALID_SCHEMA)
    write_schema(monorepo, "user-service", SHARED)
    write_schema(monorepo, "course-service", SHARED)
    (monorepo / "shared" / "client").mkdir(parents=True)
    (monorepo / "shared" / "client" / "schema.prisma").write_text(SHARED, encoding="utf-8")
    manifest = load_manifest(monorepo / "services.toml")
    reads: Counter[str] = Counter()
    for method in ("read_bytes", "read_text"):
        original = getattr(Path, method)

        def counting(self: Path, *args: object, _original=original, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
            if self.name == "schema.prisma" and "generated" not in self.parts and "shared" not in self.parts:
                reads[self.parent.parent.name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, counting)
    states = state.collect_states(manifest, {})
    assert reads == {"auth": 1, "user-service": 1, "course-service": 1}
    assert states["auth"].client_generated is True
    assert states["user-service"].client_generated is False and states["course-service"].client_generated is False  # a shared folder is nobody's
    assert states["search-service"].schema is state.SchemaState.MISSING and states["search-service"].client_generated is False


def test_the_report_does_not_import_the_tasks_it_reports_on() -> None:
    source = Path(state.__file__).read_text(encoding="utf-8")
    assert "azora_tasks.tasks.clients" not in source and "import clients" not in source
