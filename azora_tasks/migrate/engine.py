"""The pinned Prisma CLI, driven offline through the tool's own JS config.

Every migrate command runs as `node prisma/build/index.js <command> --config
azora_tasks/toolchain/node/prisma.config.cjs`: `engine: "js"` makes Prisma use its
WebAssembly schema engine with a driver adapter chosen from the URL, so no
native engine is ever downloaded. The services' own files stay plain Prisma
(schema with `url = env("DATABASE_URL")`, `prisma/migrations`), so
`npx prisma migrate ...` keeps working on a machine with the native engine.

The engine's known bugs are avoided rather than patched over: migrations are
written by `migrate diff` (not `migrate dev`, which fails with pending
migrations and exits 1 after `--create-only`) and applied by `migrate deploy`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from azora_tasks.database import Target, mask
from azora_tasks.manifest import Manifest
from azora_tasks.paths import NODE_DIR
from azora_tasks.process import ProcessGroup
from azora_tasks.schema_text import env_variables_used
from azora_tasks.toolchain.node_command import node_command
from azora_tasks.toolchain.prisma_cli import PrismaCli, offline_engine_env

CONFIG = NODE_DIR / "prisma.config.cjs"
DBTOOL = NODE_DIR / "dbtool.cjs"
COMMAND_TIMEOUT_SECONDS = 300
_NOISE = re.compile(
    r"^(?:Loaded Prisma config from [^\n]*|Prisma config detected, skipping environment variable loading\.)\n"
    r"|WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter[^\n]*\n.*?"
    r"only using driver adapters\.\n",
    re.MULTILINE | re.DOTALL,
)
_APPLIED = re.compile(r"└─ (\d{14}_[^/\s]+)/")
_ERROR_CODE = re.compile(r"\b(P\d{4})\b")
EMPTY_MIGRATION = "-- This is an empty migration."


@dataclass
class CommandResult:
    returncode: int
    output: str  # cleaned and masked

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def error_code(self) -> str | None:
        match = _ERROR_CODE.search(self.output)
        return match.group(1) if match else None


@dataclass
class Diff:
    result: CommandResult
    sql: str = ""

    @property
    def empty(self) -> bool:
        return not self.sql.strip() or self.sql.strip() == EMPTY_MIGRATION


@dataclass
class Transcript:
    """Everything a service's commands printed, masked, for `ServiceResult.output`."""

    parts: list[str] = field(default_factory=list)

    def add(self, title: str, result: CommandResult) -> CommandResult:
        self.parts.append(f"$ {title} (exit {result.returncode})\n{result.output.strip()}\n")
        return result

    def note(self, text: str) -> None:
        self.parts.append(text.rstrip() + "\n")

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def clean_output(output: str, target: Target) -> str:
    return mask(_NOISE.sub("", output), (target.password,))


def applied_names(output: str) -> list[str]:
    """The migrations `migrate deploy` reports as applied in this run."""
    if "No pending migrations to apply" in output:
        return []
    return _APPLIED.findall(output)


@dataclass
class Engine:
    manifest: Manifest
    prisma: PrismaCli
    processes: ProcessGroup
    shadow_prefix: str = "prisma_shadow"

    def native_schema_engine(self) -> Path | None:
        """A real (downloaded) schema-engine binary, if this machine has one.

        Prisma 6.19's WebAssembly schema engine has connectors for SQLite and
        PostgreSQL only (`RuntimeError: unreachable` on MySQL), so MySQL and
        MariaDB migrations need the native engine: present after `npm ci` on a
        machine with internet, absent offline.
        """
        configured = os.environ.get("PRISMA_SCHEMA_ENGINE_BINARY")
        if configured and os.access(configured, os.X_OK) and not configured.endswith(".py"):
            return Path(configured)
        for folder in (self.manifest.root / "node_modules" / "@prisma" / "engines", self.manifest.root / "node_modules" / "prisma"):
            for candidate in sorted(folder.glob("schema-engine-*")):
                if os.access(candidate, os.X_OK) and not candidate.name.endswith((".gz", ".sha256")):
                    return candidate
        return None

    def uses_js_engine(self, target: Target) -> bool:
        return target.provider != "mysql"

    def env(self, target: Target, schema_text: str, shadow_prefix: str) -> dict[str, str]:
        base = dict(os.environ)
        if not self.uses_js_engine(target):
            native = self.native_schema_engine()
            if native:
                base["PRISMA_SCHEMA_ENGINE_BINARY"] = str(native)
        env = offline_engine_env(base)
        env["AZORA_NODE_ROOT"] = str(self.manifest.root)
        env.update(target.node_env())
        env["AZORA_SHADOW_PREFIX"] = shadow_prefix
        for name in env_variables_used(schema_text) or ["DATABASE_URL"]:
            env[name] = target.url
        return env

    def _run(self, command: list[str], target: Target, schema: Path, env: dict[str, str]) -> CommandResult:
        completed = self.processes.run(command, cwd=schema.parent.parent, env=env, timeout=COMMAND_TIMEOUT_SECONDS)
        return CommandResult(completed.returncode, clean_output(completed.stdout, target))

    def prisma_command(self, target: Target, schema: Path, env: dict[str, str], *args: str) -> CommandResult:
        config = ["--config", str(CONFIG)] if self.uses_js_engine(target) else []
        return self._run(self.prisma.command(*args, *config), target, schema, env)

    def dbtool(self, target: Target, schema: Path, env: dict[str, str], *args: str) -> tuple[CommandResult, dict[str, object]]:
        result = self._run(node_command(str(DBTOOL), *args, project=self.manifest.root), target, schema, env)
        try:
            payload = json.loads(result.output.strip().splitlines()[-1])
        except (ValueError, IndexError):
            payload = {"ok": False, "error": result.output.strip()}
        return result, payload

    # --- the commands ----------------------------------------------------------------

    def ensure_database(self, target: Target, schema: Path, env: dict[str, str]) -> tuple[CommandResult, bool]:
        """Create a missing database (server providers; a SQLite file is created on connect)."""
        if target.provider == "sqlite":
            assert target.sqlite_file is not None
            existed = target.sqlite_file.exists()
            target.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            return CommandResult(0, ""), not existed
        result, payload = self.dbtool(target, schema, env, "ensure")
        return result, bool(payload.get("created"))

    def reset_database(self, target: Target, schema: Path, env: dict[str, str]) -> CommandResult:
        """Drop everything: Prisma's `migrate reset` through adapters re-applies into existing tables."""
        if target.provider == "sqlite":
            assert target.sqlite_file is not None
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{target.sqlite_file}{suffix}").unlink(missing_ok=True)
            return CommandResult(0, "")
        return self.dbtool(target, schema, env, "reset")[0]

    def drop_shadows(self, target: Target, schema: Path, env: dict[str, str], prefix: str) -> None:
        """Backstop after a failed or killed command: drop this service's leftover shadow databases.

        Runs even after Ctrl-C (outside the process group, which refuses new
        children once cancelled), with a short timeout.
        """
        if target.provider == "sqlite":
            return
        try:
            subprocess.run(
                node_command(str(DBTOOL), "drop-shadows", prefix, project=self.manifest.root),
                env=env,
                cwd=schema.parent,
                timeout=20,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            pass

    def deploy(self, target: Target, schema: Path, env: dict[str, str]) -> CommandResult:
        return self.prisma_command(target, schema, env, "migrate", "deploy", "--schema", str(schema))

    def status(self, target: Target, schema: Path, env: dict[str, str]) -> CommandResult:
        return self.prisma_command(target, schema, env, "migrate", "status", "--schema", str(schema))

    def diff(self, target: Target, schema: Path, env: dict[str, str], migrations: Path | None, to_schema: Path | None = None) -> Diff:
        """SQL from the migrations folder (or empty) to the schema's datamodel; `migrate dev` without its bugs."""
        source = ["--from-migrations", str(migrations)] if migrations else ["--from-empty"]
        if migrations and not self.uses_js_engine(target):
            # The native engine needs an explicit shadow database; the caller drops it afterwards.
            source += ["--shadow-database-url", shadow_url(target, env.get("AZORA_SHADOW_PREFIX", "prisma_shadow") + "_native")]
        with tempfile.TemporaryDirectory(prefix="azora-migrate-") as scratch:
            out = Path(scratch) / "diff.sql"
            result = self.prisma_command(
                target,
                schema,
                env,
                "migrate",
                "diff",
                *source,
                "--to-schema-datamodel",
                str(to_schema or schema),
                "--script",
                "--output",
                str(out),
            )
            sql = out.read_text(encoding="utf-8") if result.ok and out.is_file() else ""
        return Diff(result, sql)

    def introspect(self, target: Target, schema: Path, env: dict[str, str], scratch: Path) -> tuple[CommandResult, Path]:
        """`db pull` into a copy of the schema: the database as a datamodel, for drift detection."""
        copy = scratch / "pulled.prisma"
        copy.write_text(schema.read_text(encoding="utf-8"), encoding="utf-8")
        result = self.prisma_command(target, schema, env, "db", "pull", "--schema", str(copy))
        return result, copy


def shadow_url(target: Target, name: str) -> str:
    """The target's server URL with the database replaced by `name` (for the native engine's shadow)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(target.url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
