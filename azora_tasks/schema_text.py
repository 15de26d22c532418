"""Quick facts read from a schema's text without a full parse.

The runner needs a few facts before Prisma ever runs -- the datasource
provider (to pick a matching DATABASE_URL), the `env()` variables (to set
them) and the client generators' output folders (to catch collisions). A
regular expression over comment-stripped text is enough for these; the full
reader with positions lives in `azora_tasks.lint`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.results import ServiceError

_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*')
_BLOCK = re.compile(r"\b(datasource|generator)\s+(\w+)\s*\{(.*?)\}", re.DOTALL)
_ASSIGNMENT = re.compile(r"^\s*(\w+)\s*=\s*(.+?)\s*$", re.MULTILINE)
_ENV_CALL = re.compile(r'env\(\s*"([^"]+)"\s*\)')
_CLIENT_PROVIDERS = ("prisma-client-js", "prisma-client")


@dataclass(frozen=True)
class Generator:
    name: str
    provider: str
    output: str | None
    engine_type: str | None

    @property
    def is_client(self) -> bool:
        return self.provider in _CLIENT_PROVIDERS


class SchemaEncodingError(ServiceError):
    """A schema file that is not UTF-8: that service fails with where the bad byte is; the others run."""


def read_schema_text(path: Path, root: Path | None = None) -> str:
    """The schema's text; a file that is not UTF-8 raises `SchemaEncodingError` naming the byte and line.

    Prisma reads schemas as UTF-8, so a Latin-1 `é` is a mistake in that one
    file; a bare `UnicodeDecodeError` traceback would hide which file and where.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
        raise SchemaEncodingError(
            f"{shown} is not UTF-8 (byte 0x{data[error.start]:02X} at line {line}, column {column}): re-save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None


@functools.lru_cache(maxsize=64)
def strip_comments(text: str) -> str:
    """Remove `//` comments but keep strings (a URL may contain `//`).

    Cached: a service's schema is asked for its provider, its datasource URL and its
    literal URL in turn, and a 190-service no-op should strip each schema once."""
    return _COMMENT.sub(lambda match: match.group(1) or "", text)


def _blocks(text: str, kind: str) -> list[tuple[str, dict[str, str]]]:
    found = []
    for match in _BLOCK.finditer(strip_comments(text)):
        if match.group(1) == kind:
            found.append((match.group(2), {key: value for key, value in _ASSIGNMENT.findall(match.group(3))}))
    return found


def _unquote(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def schema_provider(text: str) -> str | None:
    for _, fields in _blocks(text, "datasource"):
        return _unquote(fields.get("provider"))
    return None


def env_variables_used(text: str) -> list[str]:
    return sorted(set(_ENV_CALL.findall(strip_comments(text))))


def generators(text: str) -> list[Generator]:
    return [
        Generator(name, _unquote(fields.get("provider")) or "", _unquote(fields.get("output")), _unquote(fields.get("engineType")))
        for name, fields in _blocks(text, "generator")
    ]


def client_output_dir(generator: Generator, schema: Path, repo_root: Path) -> Path:
    """Where `prisma generate` writes this client.

    An explicit `output` is relative to the schema file. Without one,
    prisma-client-js writes into `node_modules/.prisma/client` next to the
    nearest `@prisma/client` -- in a hoisted monorepo, the *same* folder for
    every service, which is the collision `clients` must catch.
    """
    if generator.output:
        return (schema.parent / generator.output).resolve()
    for folder in (schema.parent, *schema.parent.parents):
        if (folder / "node_modules" / "@prisma" / "client").exists():
            return (folder / "node_modules" / ".prisma" / "client").resolve()
        if folder == repo_root.parent:
            break
    return (repo_root / "node_modules" / ".prisma" / "client").resolve()


def blank_schema_problem(texts: Mapping[Path, str]) -> str | None:
    """Why a schema (file -> text) made only of whitespace (or comments) is not a schema, or None.

    Prisma's validator accepts an empty file, so without this check an empty
    `schema.prisma` would pass `validate` and count as implemented.
    """
    if not texts or any(strip_comments(text).strip() for text in texts.values()):
        return None
    names = ", ".join(path.name for path in texts)
    return f"empty schema: {names} has no datasource, generator or model (fix: write the schema, or run `azora-tasks generate` after deleting the file)"
