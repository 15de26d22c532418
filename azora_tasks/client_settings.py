"""`[settings.clients]` applied to a schema's text: the generator block each client is built from.

A hand-written schema usually has no `output` (so every service writes the same
`node_modules/.prisma/client`) and no `engineType` (so its client needs a native
query engine that cannot be downloaded offline). Editing 180 generator blocks is
not an afternoon's work, so the manifest says it once and this module computes
each service's *effective* schema: the file's text with the missing lines added
to every client generator. `clients` generates from that text (without touching
the file), `clients --write-output` writes it into the file, and the report
compares a generated client against it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from azora_tasks.manifest import ClientSettings, Manifest, Service
from azora_tasks.schema_text import SchemaEncodingError, client_output_dir, generators, read_schema_text

DEFAULT_OUTPUT = "../generated/client"  # what `generate` writes when the manifest says nothing
_CLIENT_PROVIDERS = ("prisma-client-js", "prisma-client")
_GENERATOR_START = re.compile(r"^[ \t]*generator\s+(\w+)\s*\{[ \t]*$", re.MULTILINE)
_ASSIGNMENT = re.compile(r"^([ \t]*)(\w+)\s*=\s*(.*?)\s*$")


def output_for(settings: ClientSettings, service: str) -> str:
    return settings.output.format(service=service) if settings.output else ""


def apply_client_settings(text: str, settings: ClientSettings, service: str) -> str:
    """The schema text with `output` / `engineType` added to client generators that lack them.

    Lines the schema already has always win; a block that gets a new line is
    re-aligned the way `prisma format` aligns it, the rest of the text is kept
    byte for byte. Without settings the text is returned unchanged.
    """
    output = output_for(settings, service)
    if not output and not settings.engine_type:
        return text
    pieces: list[str] = []
    position = 0
    for start in _GENERATOR_START.finditer(text):
        end = text.find("}", start.end())
        if end < 0 or start.start() < position:
            continue
        body = text[start.end() : end]
        pieces.append(text[position : start.end()])
        pieces.append(_edit_block(body, output, settings.engine_type))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _edit_block(body: str, output: str, engine_type: str) -> str:
    lines = body.split("\n")
    assignments = {match.group(2): match.group(3) for line in lines if (match := _ASSIGNMENT.match(line))}
    provider = assignments.get("provider", "").strip('"')
    if provider not in _CLIENT_PROVIDERS:
        return body
    added: list[tuple[str, str]] = []
    if output and "output" not in assignments:
        added.append(("output", f'"{output}"'))
    if engine_type and "engineType" not in assignments:
        added.append(("engineType", f'"{engine_type}"'))
    if not added:
        return body
    # `body` starts right after `{` (so with "\n") and ends with the indentation before `}`.
    inner, closing = lines[:-1], lines[-1]
    while inner and not inner[-1].strip():
        inner.pop()
    indent = next((m.group(1) for line in inner if (m := _ASSIGNMENT.match(line))), "  ")
    inner.extend(f"{indent}{key} = {value}" for key, value in added)
    width = max(len(m.group(2)) for line in inner if (m := _ASSIGNMENT.match(line)))
    aligned = []
    for line in inner:
        match = _ASSIGNMENT.match(line)
        if match and not line.lstrip().startswith("//"):
            aligned.append(f"{match.group(1)}{match.group(2).ljust(width)} = {match.group(3)}")
        else:
            aligned.append(line)
    return "\n".join([*aligned, closing])


def effective_schema(manifest: Manifest, service: Service, text: str) -> str:
    """What `clients` generates from: the file's text with the service's client settings applied."""
    return apply_client_settings(text, manifest.client_settings(service), service.name)


def resolve_outputs(manifest: Manifest, service: Service) -> list[Path]:
    """Output folders of the service's client generators (empty when it has no schema file)."""
    schema = manifest.schema_file(service)
    if not schema.is_file():
        return []
    try:
        text = effective_schema(manifest, service, read_schema_text(schema, manifest.root))
    except SchemaEncodingError:
        return []  # that service alone fails when it runs; the others' outputs are still resolved
    return schema_outputs(text, schema, manifest.root)


def schema_outputs(effective: str, schema: Path, root: Path) -> list[Path]:
    """Output folders of the client generators in `effective` (a schema's text, `[settings.clients]` applied)."""
    return [client_output_dir(generator, schema, root) for generator in generators(effective) if generator.is_client]


def find_collisions(outputs: Mapping[str, Iterable[Path]]) -> dict[Path, list[str]]:
    """Output folder -> the services writing their client into it, for folders shared by several.

    `clients` refuses to run over such a folder; the report counts no service's client there.
    """
    writers: dict[Path, list[str]] = defaultdict(list)
    for name, folders in outputs.items():
        for output in folders:
            writers[output].append(name)
    return {folder: sorted(names) for folder, names in sorted(writers.items()) if len(names) > 1}
