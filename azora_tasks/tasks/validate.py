"""`validate`: Prisma's own validation of each service's schema, with the pinned CLI."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from azora_tasks.manifest import Manifest, Service
from azora_tasks.prisma import PrismaCli, service_env
from azora_tasks.results import ServiceResult, Status
from azora_tasks.runner import ProcessGroup

VALIDATE_TIMEOUT_SECONDS = 120
_ERROR_CODE = re.compile(r"Error code: (P\d{4})")
_FIRST_ERROR = re.compile(r"^error: (.+)$", re.MULTILINE)
_LOCATION = re.compile(r"-->\s+(\S+?):(\d+)")


@dataclass
class ValidateTask:
    manifest: Manifest
    prisma: PrismaCli
    processes: ProcessGroup

    def cache_options(self) -> dict[str, object]:
        """The options that change this task's result (part of the cache key)."""
        return {}

    def __call__(self, service: Service) -> ServiceResult:
        schema = self.manifest.schema_file(service)
        if not schema.is_file():
            return ServiceResult(
                service.name, Status.MISSING,
                summary=f"no schema at {schema.relative_to(self.manifest.root)} (run `generate` to create one)",
            )
        started = time.monotonic()
        text = schema.read_text(encoding="utf-8")
        completed = self.processes.run(
            self.prisma.command("validate", "--schema", str(schema)),
            cwd=self.manifest.service_dir(service),
            env=service_env(self.manifest, service, text),
            timeout=VALIDATE_TIMEOUT_SECONDS,
        )
        duration = time.monotonic() - started
        if completed.returncode == 0:
            return ServiceResult(service.name, Status.OK, duration, completed.stdout, "valid")
        return ServiceResult(service.name, Status.FAILED, duration, completed.stdout, describe_prisma_error(completed.stdout))


def describe_prisma_error(output: str) -> str:
    """One line for the summary table: `P1012 schema.prisma:14: Type "Strin" is neither ...`."""
    code = _ERROR_CODE.search(output)
    first = _FIRST_ERROR.search(output)
    where = _LOCATION.search(output)
    parts = [code.group(1) if code else "invalid"]
    if where:
        parts.append(f"line {where.group(2)}")
    if first:
        parts.append(first.group(1).strip())
    return ": ".join(parts)
