"""Database targets: which database a service uses, its provider, its SQLite file, and how to show it masked.

The one place that reads database URLs. The JavaScript side parses none: a
Node worker or a Prisma CLI run gets `Target.node_env()` (provider, URL and, for
SQLite, the file path), and whatever Node answers or prints is masked here
(`mask`) before it is shown.

Precedence of `resolve_target`, most specific first: the environment variable
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

import json
import os
import re
import sys
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.manifest import Manifest, Service
from azora_tasks.schema_text import schema_provider, strip_comments

ENV_TEMPLATE = "AZORA_DATABASE_URL"
# What a Node process is told about its database (node/runtime.cjs reads these).
PROVIDER_VARIABLE = "AZORA_DATABASE_PROVIDER"
URL_VARIABLE = "AZORA_MIGRATE_DATABASE_URL"
FILE_VARIABLE = "AZORA_DATABASE_FILE"
SCHEMA_URL_SOURCE = "the schema's datasource url"
PROVIDERS = ("sqlite", "postgresql", "mysql")
# The one map from a datasource provider or URL scheme to the provider the tool works with.
_CANONICAL = {
    "file": "sqlite",
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "cockroachdb": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&](?:password|pass|pwd)=)[^&\s]*", re.IGNORECASE)
_DATASOURCE = re.compile(r"\bdatasource\s+\w+\s*\{([^}]*)\}", re.DOTALL)
_LITERAL_URL = re.compile(r'^\s*url\s*=\s*"([^"]*)"\s*$', re.MULTILINE)


class TargetError(Exception):
    """The service's database URL cannot be used; the message says why and how to fix it."""


# --- providers ---------------------------------------------------------------------------------


def canonical_provider(name: str | None) -> str | None:
    """`postgres`/`cockroachdb` → `postgresql`, `mariadb` → `mysql`, `file` → `sqlite`; other names unchanged."""
    if not name:
        return None
    return _CANONICAL.get(name.lower(), name.lower())


def provider_of_url(url: str) -> str | None:
    """The provider a URL's scheme names; None for a scheme no provider uses."""
    return _CANONICAL.get(url.split(":", 1)[0].lower()) if ":" in url else None


def provider_of_schema(schema_text: str) -> str | None:
    """The schema's datasource provider, canonical (None without a datasource)."""
    return canonical_provider(schema_provider(schema_text))


# --- masking -----------------------------------------------------------------------------------


def secrets_of(url: str) -> tuple[str, ...]:
    """The literal secrets of a server URL (its decoded password), to mask wherever they show up."""
    if provider_of_url(url) in (None, "sqlite"):
        return ()
    try:
        password = urllib.parse.urlsplit(url).password
    except ValueError:
        return ()
    return (urllib.parse.unquote(password),) if password else ()


def mask(text: str, secrets: Sequence[str] = ()) -> str:
    """Hide passwords: in URLs (`user:****@`), in `?password=` and any literal secret given."""
    text = _URL_PASSWORD.sub(r"\1****@", text)
    text = _QUERY_PASSWORD.sub(r"\1****", text)
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, "****")
    return text


# --- SQLite URL forms --------------------------------------------------------------------------


def sqlite_path(url: str, anchor: Path | None = None) -> Path:
    """The file of a `file:`/`sqlite:` URL; a relative one joined to `anchor` (the schema's folder, as Prisma does)."""
    rest = url.split(":", 1)[1].split("?", 1)[0]
    path = Path(rest[2:] if rest.startswith("//") else rest)
    if anchor is None:
        return path
    return Path(os.path.normpath(path if path.is_absolute() else anchor / path))


def sqlite_url(path: Path, query: str = "") -> str:
    """The `file:` URL Prisma reads for a SQLite file."""
    return f"file:{path}" + (f"?{query}" if query else "")


def anchor_sqlite(url: str, folder: Path) -> str:
    """A SQLite URL with its path made absolute against `folder` (query kept); other URLs unchanged."""
    if provider_of_url(url) != "sqlite":
        return url
    return sqlite_url(sqlite_path(url, folder), url.partition("?")[2])


def read_only_uri(database: Path) -> str:
    """A `file:` URI opening `database` read-only; the path percent-encoded so `#`, `%`, `?` and spaces stay part of it."""
    return "file:" + urllib.parse.quote(str(database.absolute()), safe="/") + "?mode=ro"


# --- the target --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One service's database: the URL (secret), how to show it, and what it must not share."""

    provider: str
    url: str
    source: str  # where the URL came from, for messages

    @property
    def password(self) -> str:
        return next(iter(secrets_of(self.url)), "")

    @property
    def masked(self) -> str:
        return mask(self.url, secrets_of(self.url))

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_path(self.url) if self.provider == "sqlite" else None

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
        return f"postgresql://{self.server}/{self.database}" if self.provider == "postgresql" else f"mysql://{self.server}"

    def node_env(self) -> dict[str, str]:
        """The environment a Node worker or Prisma CLI run gets: the provider, the URL and the SQLite file,
        so the JavaScript side never maps a scheme to a provider or parses a `file:` URL."""
        env = {PROVIDER_VARIABLE: self.provider, URL_VARIABLE: self.url}
        if self.sqlite_file is not None:
            env[FILE_VARIABLE] = str(self.sqlite_file)
        return env


# --- resolution --------------------------------------------------------------------------------


def database_name(service: Service) -> str:
    """A database name safe on every server: azora_<service> with '-' and '.' as '_'."""
    return "azora_" + re.sub(r"[^A-Za-z0-9_]", "_", service.name)


def _fill(template: str, service: Service) -> str:
    return template.format(service=service.name, db=database_name(service))


def database_url(manifest: Manifest, service: Service, provider: str | None = None) -> str:
    """The manifest's URL for the service (its own `database_url`, else the template for the provider).

    For commands that only need a URL of the right provider (validate,
    generate, clients): no environment override and no error, unlike `resolve_target`.
    """
    default = manifest.provider_for(service)
    canonical = canonical_provider(provider or default)
    provider = canonical if canonical in PROVIDERS else default
    if service.database_url and provider == default:
        return _fill(service.database_url, service)
    return _fill(manifest.settings.database_urls[provider], service)


def env_name(service: Service) -> str:
    return f"{ENV_TEMPLATE}_" + re.sub(r"[^A-Za-z0-9]", "_", service.name).upper()


def literal_url(schema_text: str) -> str | None:
    """The datasource's `url = "..."` when it is a literal string (None for `env(...)` or no datasource)."""
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
    provider = canonical_provider(provider or manifest.provider_for(service)) or manifest.provider_for(service)
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
    url = _fill(template, service)
    found = provider_of_url(url)
    if found != provider:
        raise TargetError(
            f"{source} gives a {found or 'unknown'} URL ({mask(url)}) but the schema's datasource is {provider}: fix the URL or the schema's provider"
        )
    if provider == "sqlite":
        url = anchor_sqlite(url, manifest.schema_file(service).parent)
    return Target(provider, url, source)


def main(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """`python -m azora_tasks.database [SCHEMA_DIR]`: the `node_env()` of `$DATABASE_URL`, as JSON.

    For the tool's Prisma config run by hand (`prisma ... --config <it>` with
    only `DATABASE_URL` set): node/runtime.cjs asks here instead of parsing the
    URL itself. The URL comes through the environment, never the command line.
    """
    url = environ.get(URL_VARIABLE) or environ.get("DATABASE_URL") or ""
    provider = provider_of_url(url)
    if provider is None:
        print(f"unsupported database URL: {mask(url) or '(none)'}", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else Path.cwd()
    print(json.dumps(Target(provider, anchor_sqlite(url, folder), "DATABASE_URL").node_env()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], os.environ))
