"""Which database a service migrates, and how to talk about it without leaking a password.

Precedence, most specific first: the environment variable
`AZORA_DATABASE_URL_<SERVICE>` (name upper-cased, non-alphanumerics as `_`),
the environment template `AZORA_DATABASE_URL` (applies to services whose
schema provider matches its scheme), the service's `database_url` in the
manifest, a literal `url = "..."` in the schema's datasource (not `env(...)`:
the schema names its own database, as plain Prisma would use it), then the
manifest's template for the schema's provider. Templates
take `{service}` and `{db}`. A global `DATABASE_URL` is deliberately ignored:
it would point the whole fleet at one database.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.manifest import Manifest, Service
from azora_tasks.toolchain.prisma_cli import database_name

ENV_TEMPLATE = "AZORA_DATABASE_URL"
_SCHEMES = {"file": "sqlite", "sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&](?:password|pass|pwd)=)[^&\s]*", re.IGNORECASE)


class TargetError(Exception):
    """The service's database URL cannot be used; the message says why and how to fix it."""


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Hide passwords: in URLs (`user:****@`), in `?password=` and any literal secret given."""
    text = _URL_PASSWORD.sub(r"\1****@", text)
    text = _QUERY_PASSWORD.sub(r"\1****", text)
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, "****")
    return text


def provider_of_url(url: str) -> str | None:
    return _SCHEMES.get(url.split(":", 1)[0].lower())


@dataclass(frozen=True)
class Target:
    """One service's database: the URL (secret), how to show it, and what it must not share."""

    provider: str
    url: str
    source: str  # where the URL came from, for messages

    @property
    def password(self) -> str:
        if self.provider == "sqlite":
            return ""
        return urllib.parse.unquote(urllib.parse.urlsplit(self.url).password or "")

    @property
    def masked(self) -> str:
        return mask(self.url, (self.password,))

    @property
    def sqlite_file(self) -> Path | None:
        if self.provider != "sqlite":
            return None
        rest = self.url.split(":", 1)[1].split("?", 1)[0]
        return Path(rest[2:] if rest.startswith("//") else rest)

    @property
    def database(self) -> str:
        if self.provider == "sqlite":
            return str(self.sqlite_file)
        return urllib.parse.unquote(urllib.parse.urlsplit(self.url).path.lstrip("/"))

    @property
    def schema(self) -> str | None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)
        return query.get("schema", [None])[0]

    @property
    def server(self) -> str:
        """`host:port` of a database server (for messages; no credentials)."""
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.hostname or 'localhost'}:{parts.port or (5432 if self.provider == 'postgresql' else 3306)}"

    @property
    def lock_key(self) -> str:
        """Services with the same key would contend for one Prisma migration lock.

        PostgreSQL's advisory lock (72707369) is per database, so services
        sharing a database through `?schema=` share it; MySQL's
        GET_LOCK('prisma_migrate') is per server; a SQLite file is its own.
        """
        if self.provider == "sqlite":
            return f"sqlite:{self.sqlite_file}"
        parts = urllib.parse.urlsplit(self.url)
        server = f"{parts.hostname or 'localhost'}:{parts.port or (5432 if self.provider == 'postgresql' else 3306)}"
        return f"postgresql://{server}/{self.database}" if self.provider == "postgresql" else f"mysql://{server}"


def env_name(service: Service) -> str:
    return f"{ENV_TEMPLATE}_" + re.sub(r"[^A-Za-z0-9]", "_", service.name).upper()


SCHEMA_URL_SOURCE = "the schema's datasource url"
_DATASOURCE = re.compile(r"\bdatasource\s+\w+\s*\{([^}]*)\}", re.DOTALL)
_LITERAL_URL = re.compile(r'^\s*url\s*=\s*"([^"]*)"\s*$', re.MULTILINE)


def literal_url(schema_text: str) -> str | None:
    """The datasource's `url = "..."` when it is a literal string (None for `env(...)` or no datasource)."""
    from azora_tasks.schema_text import strip_comments

    block = _DATASOURCE.search(strip_comments(schema_text))
    match = _LITERAL_URL.search(block.group(1)) if block else None
    return match.group(1) if match and match.group(1) else None


def resolve_target(
    manifest: Manifest,
    service: Service,
    provider: str | None,
    environ: Mapping[str, str] | None = None,
    schema_text: str | None = None,
) -> Target:
    """The service's database for a schema whose datasource has `provider` (and maybe a literal `url`)."""
    environ = os.environ if environ is None else environ
    provider = _SCHEMES.get(provider or "", provider) or manifest.provider_for(service)
    candidates: list[tuple[str, str]] = []
    if environ.get(env_name(service)):
        candidates.append((environ[env_name(service)], f"${env_name(service)}"))
    if environ.get(ENV_TEMPLATE) and provider_of_url(environ[ENV_TEMPLATE]) == provider:
        candidates.append((environ[ENV_TEMPLATE], f"${ENV_TEMPLATE}"))
    if service.database_url:
        candidates.append((service.database_url, f"services.{service.name}.database_url"))
    literal = literal_url(schema_text) if schema_text else None
    if literal:
        candidates.append((literal.replace("{", "{{").replace("}", "}}"), SCHEMA_URL_SOURCE))
    if provider in manifest.settings.database_urls:
        candidates.append((manifest.settings.database_urls[provider], f"settings.database_urls.{provider}"))
    if not candidates:
        raise TargetError(f"no database URL for provider {provider!r}: add settings.database_urls.{provider} to the manifest")
    template, source = candidates[0]
    url = template.format(service=service.name, db=database_name(service))
    found = provider_of_url(url)
    if found != provider:
        raise TargetError(
            f"{source} gives a {found or 'unknown'} URL ({mask(url)}) but the schema's datasource is {provider}: fix the URL or the schema's provider"
        )
    if provider == "sqlite":
        url = _absolute_sqlite(url, manifest.schema_file(service).parent)
    return Target(provider, url, source)


def _absolute_sqlite(url: str, schema_dir: Path) -> str:
    """SQLite paths are relative to the schema file, as with plain Prisma."""
    rest = url.split(":", 1)[1]
    path, _, query = rest.partition("?")
    if path.startswith("//"):
        path = path[2:]
    absolute = Path(path) if Path(path).is_absolute() else (schema_dir / path)
    return "file:" + os.path.normpath(absolute) + (f"?{query}" if query else "")
