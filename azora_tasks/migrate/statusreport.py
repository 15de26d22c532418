"""Read `prisma migrate status` so the tool's `--status` says exactly what Prisma says."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = re.compile(r"^\d{14}_\S+$")
_SECTIONS = {
    "pending": re.compile(r"^(?:Following migrations? have not yet been applied|The migrations? have not yet been applied):$"),
    "failed": re.compile(r"^Following migrations? have failed:$"),
    "unknown": re.compile(r"^The migrations? from the database are not found locally in .*:$"),
}


@dataclass
class MigrationStatus:
    """One service's state: `up to date`, `pending`, `failed`, `diverged`, `unmanaged`, `drifted`, `error`."""

    state: str
    pending: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # applied in the database, missing locally

    @property
    def up_to_date(self) -> bool:
        return self.state == "up to date"


def _section(lines: list[str], header: re.Pattern[str]) -> list[str]:
    for index, line in enumerate(lines):
        if header.match(line.strip()):
            names = []
            for following in lines[index + 1 :]:
                if not _NAME.match(following.strip()):
                    break
                names.append(following.strip())
            return names
    return []


def parse_status(output: str, returncode: int, local: list[str]) -> MigrationStatus:
    lines = output.splitlines()
    pending = _section(lines, _SECTIONS["pending"])
    failed = _section(lines, _SECTIONS["failed"])
    unknown = _section(lines, _SECTIONS["unknown"])
    if "Your local migration history and the migrations table from your database are different" in output:
        return MigrationStatus("diverged", pending, failed, unknown)
    if failed:
        return MigrationStatus("failed", pending, failed, unknown)
    if pending:
        return MigrationStatus("pending", pending)
    if "The current database is not managed by Prisma Migrate" in output:
        return MigrationStatus("unmanaged", list(local))
    if returncode == 0 and "Database schema is up to date!" in output:
        return MigrationStatus("up to date")
    return MigrationStatus("error")
