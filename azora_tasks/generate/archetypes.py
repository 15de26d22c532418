"""Which description a service is generated from: its own, or its category's archetype.

A service with `models` in the manifest gets exactly those. Every other service
gets the archetype of its category, `templates/archetypes/<category>.toml`,
written in the same description format, so a team starts from real,
domain-shaped models (accounts and transactions for a financial service,
courses and enrollments for an education one) instead of a one-model stub.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from azora_tasks.generate.spec import ServiceSpec, SpecError, parse_spec
from azora_tasks.manifest import Manifest, ManifestError, Service
from azora_tasks.paths import TEMPLATES_DIR
from azora_tasks.toml_positions import locate_key

ARCHETYPES_DIR = TEMPLATES_DIR / "archetypes"
ARCHETYPE_KEYS = ("archetype", "models", "enums")


def archetype_path(category: str) -> Path:
    return ARCHETYPES_DIR / f"{category}.toml"


def available_archetypes() -> list[str]:
    return sorted(path.stem for path in ARCHETYPES_DIR.glob("*.toml"))


@cache
def load_archetype(category: str) -> ServiceSpec:
    """Parse and check one archetype file; errors are `ManifestError`s located in that file."""
    path = archetype_path(category)
    if not path.is_file():
        raise ManifestError(
            path,
            None,
            f"categories.{category}",
            f"no archetype for category {category!r}",
            f"describe the service's models in the manifest, or add {path.name} (one of: {', '.join(available_archetypes())}) under templates/archetypes/",
        )
    text = path.read_text(encoding="utf-8")
    try:
        raw: dict[str, Any] = tomlkit.parse(text).unwrap()
    except tomlkit.exceptions.ParseError as error:
        raise ManifestError(path, error.line, "syntax", str(error), "fix the TOML syntax on that line") from None
    for key in raw:
        if key not in ARCHETYPE_KEYS:
            raise ManifestError(path, locate_key(text, (key,)), key, f"unknown key {key!r}", f"use one of: {', '.join(ARCHETYPE_KEYS)}")
    try:
        return parse_spec(raw.get("models", {}), raw.get("enums", {}), (), source=f"category archetype templates/archetypes/{path.name}")
    except SpecError as error:
        raise ManifestError(path, locate_key(text, error.keypath), ".".join(error.keypath), error.problem, error.fix) from None


def known_services(manifest: Manifest) -> dict[str, Collection[str] | None]:
    """Service -> its described model names (None when it has none: any model name is accepted)."""
    return {name: tuple(service.models) or None for name, service in manifest.services.items()}


def spec_for(manifest: Manifest, service: Service, known: Mapping[str, Collection[str] | None] | None = None) -> ServiceSpec:
    """The service's own description if it has one, else its category archetype."""
    if not service.models:
        if service.enums:
            where = ("services", service.name, "enums")
            raise _located(
                manifest,
                SpecError(
                    where,
                    "enums without models",
                    f"add [services.{service.name}.models.<Name>] tables, or remove the enums to use the {service.category} archetype",
                ),
            )
        return load_archetype(service.category)
    try:
        return parse_spec(service.models, service.enums, ("services", service.name), known_services=known if known is not None else known_services(manifest))
    except SpecError as error:
        raise _located(manifest, error) from None


def _located(manifest: Manifest, error: SpecError) -> ManifestError:
    text = manifest.path.read_text(encoding="utf-8")
    return ManifestError(manifest.path, locate_key(text, error.keypath), ".".join(error.keypath), error.problem, error.fix)
