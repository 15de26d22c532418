"""The Prisma 7 config file azora-tasks writes for a service: where its datasource URL comes from.

Prisma 7 rejects `url` in `datasource` (P1012) and does not read `.env`; the URL
must come from a `prisma.config.*` file. A plain CommonJS file passed with
`--config` is enough and needs no TypeScript loader, so for each Prisma 7 service
without a config of its own we write

    module.exports = { schema: "<schema>", datasource: { url: "<the service's URL>" } };

under `.azora-cache/prisma-config/` (atomically; re-written only when it changes),
with the same per-service URL Prisma 6 schemas get through `env("DATABASE_URL")`.
A service's own `prisma.config.*` is honoured instead: the CLI finds it in the
service folder (its working directory), and `DATABASE_URL` is set for it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from azora_tasks.atomic import write_text_atomically
from azora_tasks.cache import CACHE_DIR_NAME
from azora_tasks.database import anchor_sqlite, database_url
from azora_tasks.manifest import Manifest, Service
from azora_tasks.schema_text import schema_provider
from azora_tasks.toolchain.versions import Toolchain

CONFIG_DIR = "prisma-config"
URL_VARIABLE = "DATABASE_URL"


def config_path(manifest: Manifest, service: Service) -> Path:
    return manifest.root / CACHE_DIR_NAME / CONFIG_DIR / f"{service.name}.config.cjs"


def render_config(schema: Path, url: str, shadow_url: str | None = None) -> str:
    """The config's text: JSON literals, so any path or URL is quoted correctly."""
    datasource: dict[str, str] = {"url": url}
    if shadow_url:
        datasource["shadowDatabaseUrl"] = shadow_url
    return (
        "// Written by azora-tasks for Prisma 7 (the schema has no `url`); do not edit, it is rewritten each run.\n"
        '"use strict";\n'
        f"module.exports = {{ schema: {json.dumps(str(schema))}, datasource: {json.dumps(datasource)} }};\n"
    )


def service_url(manifest: Manifest, service: Service, schema_text: str, env: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL` when the caller set it, else the manifest's URL for the schema's provider."""
    given = (os.environ if env is None else env).get(URL_VARIABLE)
    return given or database_url(manifest, service, schema_provider(schema_text))


def config_arguments(
    manifest: Manifest,
    service: Service,
    toolchain: Toolchain,
    schema: Path,
    schema_text: str,
    env: dict[str, str],
    *,
    url: str | None = None,
) -> list[str]:
    """`--config <file>` for a Prisma 7 CLI call (empty for 6, or when the service has its own config).

    Sets `DATABASE_URL` in `env` (if unset) so a service's own config that reads it finds it.
    """
    if not toolchain.needs_config:
        return []
    # Anchored against the schema's folder as Prisma 6 resolves it, so a service's SQLite file is the same whichever major runs.
    url = anchor_sqlite(url or service_url(manifest, service, schema_text, env), schema.resolve().parent)
    env.setdefault(URL_VARIABLE, url)
    if toolchain.own_config is not None:
        return ["--config", str(toolchain.own_config)]
    path = config_path(manifest, service)
    text = render_config(schema.resolve(), url, env.get("SHADOW_DATABASE_URL"))
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text_atomically(path, text)
    return ["--config", str(path)]
