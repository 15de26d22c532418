"""Load `services.toml` into typed, validated objects.

The manifest is the single source of truth for which services exist and how
they are grouped (phase, category), so every later step -- selection, the
runner, the tasks, the report -- receives these frozen objects instead of raw
TOML. Every error names the file, the line, the key and the fix, because the
person reading it is usually editing that file right now.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azora_tasks.toml_positions import locate_key

if TYPE_CHECKING:
    import tomlkit

DEFAULT_MANIFEST_NAME = "services.toml"
PROVIDERS = ("sqlite", "postgresql", "mysql")
SAFE_SERVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")  # \Z, not $: "auth\n" is not safe
MILESTONE_CONDITION = re.compile(
    r"^\s*(?:implemented\s*>=\s*(?P<implemented>\d+)|coverage\s*>=\s*(?P<coverage>\d+)\s*%"
    r"|phase\s+(?P<phase>\d+)\s+complete|category\s+(?P<category>[A-Za-z0-9_-]+)\s+complete)\s*$"
)

DEFAULT_DATABASE_URLS: dict[str, str] = {
    # SQLite paths are relative to the schema file: one file per service, nothing to install.
    "sqlite": "file:./{service}.db",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/{db}",
    "mysql": "mysql://root@127.0.0.1:3306/{db}",
}


class ManifestError(Exception):
    """A problem in the manifest, located precisely enough to fix without searching."""

    def __init__(self, path: Path, line: int | None, key: str, problem: str, fix: str) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
        self.fix = fix
        location = f"{path}:{line}" if line else str(path)
        super().__init__(f"{location}: {key}: {problem}\n  fix: {fix}")


ENGINE_TYPES = ("client", "library")


@dataclass(frozen=True)
class ClientSettings:
    """`[settings.clients]` / `[services.NAME.clients]`: where clients go and which engine they use.

    They apply to every schema whose generator block does not set `output` /
    `engineType` itself, without editing the schema (`clients` passes them to the
    generator); "" means "not set here".
    """

    output: str = ""  # template relative to the schema file, `{service}` allowed
    engine_type: str = ""  # "client" (runs offline with a driver adapter) or "library"

    def merged(self, override: ClientSettings | None) -> ClientSettings:
        if override is None:
            return self
        return ClientSettings(override.output or self.output, override.engine_type or self.engine_type)


@dataclass(frozen=True)
class Settings:
    """Global settings from the `[settings]` table."""

    services_dir: str = "services"
    schema_path: str = "prisma/schema.prisma"
    provider: str = "sqlite"
    database_urls: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DATABASE_URLS))
    concurrency: int = 0  # 0 means "one worker per CPU"
    prisma_cli: str = "node_modules/prisma/build/index.js"
    prisma_major: int = 0  # 0: the CLI's own major; 7: Prisma 7 schemas and CLI (azora_tasks/toolchain/versions.py)
    default_category: str = ""
    report_path: str = "docs/schema-progress.md"  # where `report` writes the progress page
    plan_start: str = ""  # ISO date of week 1's first day; default: the first schema's commit
    ci_shards: int = 1  # parametrize each task's nox session into this many shards
    clients: ClientSettings = field(default_factory=ClientSettings)  # [settings.clients]


@dataclass(frozen=True)
class Phase:
    number: int
    title: str


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    target: int
    summary: str = ""
    lint: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Milestone:
    title: str
    when: str


@dataclass(frozen=True)
class Week:
    number: int
    target: int


@dataclass(frozen=True)
class Service:
    """One service of the monorepo, as the manifest declares it."""

    name: str
    category: str
    description: str = ""
    phase: int | None = None
    provider: str | None = None
    database_url: str | None = None
    models: Mapping[str, Any] = field(default_factory=dict)
    enums: Mapping[str, Any] = field(default_factory=dict)
    lint: Mapping[str, Any] = field(default_factory=dict)
    clients: ClientSettings | None = None  # [services.NAME.clients]: overrides [settings.clients]


@dataclass(frozen=True)
class Manifest:
    """The whole manifest plus where it lives; paths are resolved against `root`."""

    path: Path
    settings: Settings
    phases: Mapping[int, Phase]
    categories: Mapping[str, Category]
    milestones: tuple[Milestone, ...]
    weeks: tuple[Week, ...]
    services: Mapping[str, Service]
    lint: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def services_dir(self) -> Path:
        return self.root / self.settings.services_dir

    def service_dir(self, service: Service) -> Path:
        return self.services_dir / service.name

    def schema_file(self, service: Service) -> Path:
        return self.service_dir(service) / self.settings.schema_path

    def provider_for(self, service: Service) -> str:
        return service.provider or self.settings.provider

    def client_settings(self, service: Service) -> ClientSettings:
        """The service's client settings: its own `[services.NAME.clients]` over `[settings.clients]`."""
        return self.settings.clients.merged(service.clients)


# --- the expected shape of each table: key -> (type, required) ---------------

_SETTINGS_KEYS: dict[str, type | tuple[type, ...]] = {
    "services_dir": str,
    "schema_path": str,
    "provider": str,
    "database_urls": dict,
    "concurrency": int,
    "prisma_cli": str,
    "prisma_major": int,
    "default_category": str,
    "report_path": str,
    "plan_start": str,
    "ci_shards": int,
    "clients": dict,
}
_CLIENTS_KEYS: dict[str, type | tuple[type, ...]] = {"output": str, "engine_type": str}
_TOP_LEVEL_KEYS = ("settings", "phases", "categories", "milestones", "weeks", "services", "lint")
_PHASE_KEYS: dict[str, type | tuple[type, ...]] = {"title": str}
_CATEGORY_KEYS: dict[str, type | tuple[type, ...]] = {"title": str, "target": int, "summary": str, "lint": dict}
_MILESTONE_KEYS: dict[str, type | tuple[type, ...]] = {"title": str, "when": str}
_WEEK_KEYS: dict[str, type | tuple[type, ...]] = {"week": int, "target": int}
_SERVICE_KEYS: dict[str, type | tuple[type, ...]] = {
    "category": str,
    "description": str,
    "phase": int,
    "provider": str,
    "database_url": str,
    "models": dict,
    "enums": dict,
    "lint": dict,
    "clients": dict,
}

_TYPE_NAMES = {str: "a string", int: "an integer", dict: "a table", list: "an array", bool: "true or false"}


class _Checker:
    """Validates raw TOML values and raises located `ManifestError`s."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, keypath: tuple[str | int, ...], problem: str, fix: str) -> ManifestError:
        dotted = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in keypath)
        dotted = dotted.replace(".[", "[")
        return ManifestError(self.path, locate_key(self.text, keypath), dotted, problem, fix)

    def table(
        self,
        value: Any,
        keypath: tuple[str | int, ...],
        allowed: Mapping[str, type | tuple[type, ...]],
        required: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(keypath, f"expected a table, found {_describe(value)}", f"write it as [{'.'.join(map(str, keypath))}]")
        plain = {str(k): _unwrap(v) for k, v in value.items()}
        for key, item in plain.items():
            if key not in allowed:
                known = ", ".join(allowed)
                raise self.fail((*keypath, key), f"unknown key {key!r}", f"remove it or use one of: {known}")
            expected = allowed[key]
            if isinstance(item, bool) or not isinstance(item, expected):
                raise self.fail(
                    (*keypath, key),
                    f"expected {_TYPE_NAMES.get(expected, str(expected)) if isinstance(expected, type) else str(expected)}, found {_describe(item)}",
                    f"write {key} = {_example_for(expected)}",
                )
        for key in required:
            if key not in plain:
                raise self.fail(keypath, f"missing required key {key!r}", f"add {key} = {_example_for(allowed[key])}")
        return plain


def _unwrap(value: Any) -> Any:
    """tomlkit items -> plain Python values (dicts, lists, str, int...)."""
    return value.unwrap() if hasattr(value, "unwrap") else value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a float ({value})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _example_for(expected: type | tuple[type, ...]) -> str:
    examples: dict[type, str] = {str: '"..."', int: "1", dict: "{ ... }", list: "[ ... ]"}
    return examples.get(expected, "...") if isinstance(expected, type) else "..."


def find_manifest(start: Path | None = None, name: str = DEFAULT_MANIFEST_NAME) -> Path:
    """Find `services.toml` in `start` or its parents, like git finds `.git`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise ManifestError(
        here / name,
        None,
        "manifest",
        f"no {name} found in {here} or any parent folder",
        "run from the monorepo root, pass --manifest PATH, or create one with `azora-tasks manifest init`",
    )


def read_document(path: Path) -> tuple[str, tomlkit.TOMLDocument]:
    """Parse the manifest with tomlkit for editing (keeps comments and layout)."""
    import tomlkit  # here: only edits need it, and it costs every other command ~40 ms of start-up
    import tomlkit.exceptions

    text = _read_manifest_text(path)
    try:
        return text, tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        message = str(error).split(" at line ")[0]
        duplicate = re.match(r'Key "(.+)" already exists', message)
        if duplicate:
            key = duplicate.group(1)
            raise ManifestError(path, error.line, key, f"{key!r} is declared twice", "merge the two declarations into one table") from None
        raise ManifestError(path, error.line, "syntax", f"{message} (column {error.col})", "fix the TOML syntax on that line") from None
    except tomlkit.exceptions.KeyAlreadyPresent as error:
        key = re.search(r'Key "(.+)" already exists', str(error))
        name = key.group(1) if key else "?"
        lines = [n for n, line in enumerate(text.splitlines(), 1) if re.match(rf"\s*\"?{re.escape(name)}\"?\s*=", line)]
        raise ManifestError(path, lines[-1] if lines else None, name, f"key {name!r} is set twice in the same table", "keep one of the two lines") from None


def parse_text(path: Path, text: str) -> dict[str, Any]:
    """Parse manifest text with the standard library's `tomllib` (10x faster than tomlkit, which
    we keep for edits that must preserve layout); syntax errors become located `ManifestError`s."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(where.group(1)) if where else None
        message = message[: where.start()].strip() if where else message
        declared = re.match(r"Cannot declare \((.*)\) twice", message)
        if declared:
            key = ".".join(part.strip().strip("'\"") for part in declared.group(1).split(","))
            raise ManifestError(path, line, key, f"{key!r} is declared twice", "merge the two declarations into one table") from None
        if message.startswith("Cannot overwrite a value") and line:
            assignment = re.match(r'\s*"?([^"=\s]+)"?\s*=', text.splitlines()[line - 1])
            key = assignment.group(1) if assignment else "?"
            raise ManifestError(path, line, key, f"key {key!r} is set twice in the same table", "keep one of the two lines") from None
        column = f" (column {where.group(2)})" if where else ""
        raise ManifestError(path, line, "syntax", f"{message}{column}", "fix the TOML syntax on that line") from None


def _read_manifest_text(path: Path) -> str:
    """The manifest's text; a missing file, a folder or a file that is not UTF-8 is a located error."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(path, None, "manifest", "file not found", "check the path given to --manifest") from None
    except IsADirectoryError:
        raise ManifestError(
            path, None, "manifest", "is a folder, not a file", f"pass the file itself, e.g. --manifest {path / DEFAULT_MANIFEST_NAME}"
        ) from None
    except UnicodeDecodeError as error:
        data = path.read_bytes()
        line = data.count(b"\n", 0, error.start) + 1
        raise ManifestError(
            path, line, "encoding", f"not UTF-8 (byte 0x{data[error.start]:02X} at line {line})", "re-save the file as UTF-8 (TOML requires it)"
        ) from None
    except OSError as error:
        raise ManifestError(path, None, "manifest", f"cannot be read: {error.strerror or error}", "check the path and its permissions") from None


def load_manifest(path: Path | str) -> Manifest:
    """Read and validate a manifest file; raises `ManifestError` on the first problem."""
    path = Path(path).resolve()
    text = _read_manifest_text(path)
    return parse_manifest(parse_text(path, text), path, text)


def parse_manifest(document: Mapping[str, Any], path: Path, text: str) -> Manifest:
    check = _Checker(path, text)
    for key in document:
        if key not in _TOP_LEVEL_KEYS:
            raise check.fail((str(key),), f"unknown top-level key {key!r}", f"remove it or use one of: {', '.join(_TOP_LEVEL_KEYS)}")

    settings = _parse_settings(check, document.get("settings", {}))
    phases = _parse_phases(check, document.get("phases", {}))
    categories = _parse_categories(check, document.get("categories", {}))
    milestones = tuple(
        _parse_list(check, document.get("milestones", []), "milestones", _MILESTONE_KEYS, ("title", "when"), lambda t: Milestone(t["title"], t["when"]))
    )
    weeks = tuple(_parse_list(check, document.get("weeks", []), "weeks", _WEEK_KEYS, ("week", "target"), lambda t: Week(t["week"], t["target"])))
    lint = check.table(document.get("lint", {}), ("lint",), _AnyKeys())
    services = _parse_services(check, document.get("services", {}), phases, categories)
    _check_milestones(check, milestones, phases, categories)
    _check_lint_tables(check, lint, categories, services)
    if settings.default_category and settings.default_category not in categories:
        raise check.fail(("settings", "default_category"), f"category {settings.default_category!r} does not exist", _one_of("categories", categories))
    return Manifest(path, settings, phases, categories, milestones, weeks, services, lint)


class _AnyKeys(dict[str, "type | tuple[type, ...]"]):
    """An `allowed` mapping that accepts every key with any value (free-form tables like [lint])."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> tuple[type, ...]:
        return (str, int, dict, list, bool, float)


def _check_lint_tables(check: _Checker, lint: Mapping[str, Any], categories: Mapping[str, Category], services: Mapping[str, Service]) -> None:
    """Unknown rule ids or severities fail at load time, where the line is known."""
    tables: list[tuple[tuple[str | int, ...], Mapping[str, Any]]] = [(("lint",), lint)]
    tables += [(("categories", key, "lint"), category.lint) for key, category in categories.items()]
    tables += [(("services", name, "lint"), service.lint) for name, service in services.items()]
    tables = [(keypath, table) for keypath, table in tables if table]
    if not tables:
        return
    from azora_tasks.lint.config import LintConfig  # imported only when there is config to check

    for keypath, table in tables:
        try:
            LintConfig.from_mapping(table, scope="global" if keypath == ("lint",) else "local")
        except ValueError as error:
            keys = tuple(getattr(error, "keys", ()))  # where in the table (lint.ignores[1], lint.select ...)
            raise check.fail(
                (*keypath, *keys),
                str(error).splitlines()[0],
                'use a rule code or name from docs/lint-rules.md with "off", "info", "warning" or "error"; see docs/lint-rules.md for select, ignore and [[lint.ignores]]',
            ) from None


def _check_milestones(check: _Checker, milestones: tuple[Milestone, ...], phases: Mapping[int, Phase], categories: Mapping[str, Category]) -> None:
    for index, milestone in enumerate(milestones):
        match = MILESTONE_CONDITION.match(milestone.when)
        keypath = ("milestones", index, "when")
        if not match:
            raise check.fail(
                keypath,
                f"cannot read condition {milestone.when!r}",
                'write one of "implemented >= 10", "coverage >= 50%", "phase 1 complete", "category education complete"',
            )
        if match["phase"] and int(match["phase"]) not in phases:
            raise check.fail(keypath, f"phase {match['phase']} does not exist", _one_of("phases", phases))
        if match["category"] and match["category"] not in categories:
            raise check.fail(keypath, f"category {match['category']!r} does not exist", _one_of("categories", categories))


def _parse_settings(check: _Checker, raw: Any) -> Settings:
    table = check.table(raw, ("settings",), _SETTINGS_KEYS)
    provider = table.get("provider", Settings.provider)
    if provider not in PROVIDERS:
        raise check.fail(("settings", "provider"), f"unknown provider {provider!r}", f"use one of: {', '.join(PROVIDERS)}")
    urls = dict(DEFAULT_DATABASE_URLS)
    for name, template in table.get("database_urls", {}).items():
        if name not in PROVIDERS:
            raise check.fail(("settings", "database_urls", name), f"unknown provider {name!r}", f"use one of: {', '.join(PROVIDERS)}")
        if not isinstance(template, str):
            raise check.fail(
                ("settings", "database_urls", name), f"expected a string, found {_describe(template)}", f'write {name} = "{DEFAULT_DATABASE_URLS[name]}"'
            )
        urls[name] = template
    concurrency = table.get("concurrency", 0)
    if concurrency < 0:
        raise check.fail(("settings", "concurrency"), "must be 0 (one per CPU) or a positive number", "write concurrency = 0")
    plan_start = table.get("plan_start", "")
    if plan_start:
        try:
            datetime.date.fromisoformat(plan_start)
        except ValueError:
            raise check.fail(("settings", "plan_start"), f"{plan_start!r} is not a date", 'write plan_start = "2025-01-06" (YYYY-MM-DD)') from None
    ci_shards = table.get("ci_shards", 1)
    if not 1 <= ci_shards <= 256:
        raise check.fail(("settings", "ci_shards"), "must be between 1 and 256 (GitHub's matrix limit)", "write ci_shards = 4")
    for key in ("services_dir", "schema_path", "report_path"):
        value = table.get(key, getattr(Settings, key))
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise check.fail(("settings", key), f"{value!r} must be a relative path inside the repository", f'write {key} = "{getattr(Settings, key)}"')
    prisma_major = table.get("prisma_major", 0)
    if prisma_major not in (0, 5, 6, 7):
        raise check.fail(
            ("settings", "prisma_major"),
            f"Prisma {prisma_major} is not supported (5, 6 and 7 are)",
            "write prisma_major = 7, or remove the key to use the CLI's own version",
        )
    return Settings(
        services_dir=table.get("services_dir", Settings.services_dir),
        schema_path=table.get("schema_path", Settings.schema_path),
        provider=provider,
        database_urls=urls,
        concurrency=concurrency,
        prisma_cli=table.get("prisma_cli", Settings.prisma_cli),
        prisma_major=prisma_major,
        default_category=table.get("default_category", ""),
        report_path=table.get("report_path", Settings.report_path),
        plan_start=plan_start,
        ci_shards=ci_shards,
        clients=_parse_clients(check, table.get("clients", {}), ("settings", "clients")),
    )


def _parse_clients(check: _Checker, raw: Any, keypath: tuple[str, ...]) -> ClientSettings:
    table = check.table(raw, keypath, _CLIENTS_KEYS)
    engine_type = table.get("engine_type", "")
    if engine_type and engine_type not in ENGINE_TYPES:
        raise check.fail(
            (*keypath, "engine_type"), f"unknown engine type {engine_type!r}", 'write engine_type = "client" (runs offline with a driver adapter) or "library"'
        )
    output = table.get("output", "")
    if output:
        try:
            output.format(service="x")
        except (KeyError, IndexError, ValueError):
            raise check.fail(
                (*keypath, "output"),
                f"{output!r} uses a placeholder other than {{service}}",
                'write output = "../generated/client" or "../../../generated/{service}/client"',
            ) from None
        if Path(output).is_absolute():
            raise check.fail((*keypath, "output"), f"{output!r} is absolute", 'write a path relative to the schema file, e.g. output = "../generated/client"')
    return ClientSettings(output, engine_type)


def _parse_phases(check: _Checker, raw: Any) -> dict[int, Phase]:
    phases: dict[int, Phase] = {}
    for key, value in check.table(raw, ("phases",), _AnyKeys()).items():
        if not key.isdigit():
            raise check.fail(("phases", key), f"phase key {key!r} is not a number", "name phases by number: [phases.1], [phases.2], ...")
        table = check.table(value, ("phases", key), _PHASE_KEYS, required=("title",))
        phases[int(key)] = Phase(int(key), table["title"])
    return phases


def _parse_categories(check: _Checker, raw: Any) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for key, value in check.table(raw, ("categories",), _AnyKeys()).items():
        table = check.table(value, ("categories", key), _CATEGORY_KEYS, required=("title", "target"))
        categories[key] = Category(key, table["title"], table["target"], table.get("summary", ""), table.get("lint", {}))
    return categories


def _parse_list(check: _Checker, raw: Any, name: str, allowed: Mapping[str, type | tuple[type, ...]], required: tuple[str, ...], build: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise check.fail((name,), f"expected an array of tables, found {_describe(raw)}", f"write each entry as [[{name}]]")
    return [build(check.table(item, (name, index), allowed, required)) for index, item in enumerate(raw)]


def _one_of(kind: str, known: Mapping[Any, Any]) -> str:
    names = ", ".join(map(str, known)) or "(none declared)"
    return f"use one of the declared {kind} ({names}) or declare it under [{kind}]"


def _parse_services(check: _Checker, raw: Any, phases: Mapping[int, Phase], categories: Mapping[str, Category]) -> dict[str, Service]:
    services: dict[str, Service] = {}
    seen_folded: dict[str, str] = {}
    for name, value in check.table(raw, ("services",), _AnyKeys()).items():
        if not SAFE_SERVICE_NAME.fullmatch(name) or ".." in name:
            raise check.fail(
                ("services", name),
                f"{name!r} is not a safe directory name",
                "use letters, digits, '-', '_' and '.', starting with a letter or digit (no '/', '..' or leading dot)",
            )
        folded = name.lower()
        if folded in seen_folded:
            raise check.fail(
                ("services", name),
                f"duplicate service: {name!r} and {seen_folded[folded]!r} differ only in case",
                "keep one of them (service folders must differ on case-insensitive file systems too)",
            )
        seen_folded[folded] = name
        table = check.table(value, ("services", name), _SERVICE_KEYS, required=("category",))
        if table["category"] not in categories:
            raise check.fail(("services", name, "category"), f"category {table['category']!r} does not exist", _one_of("categories", categories))
        phase = table.get("phase")
        if phase is not None and phase not in phases:
            raise check.fail(("services", name, "phase"), f"phase {phase} does not exist", _one_of("phases", phases))
        provider = table.get("provider")
        if provider is not None and provider not in PROVIDERS:
            raise check.fail(("services", name, "provider"), f"unknown provider {provider!r}", f"use one of: {', '.join(PROVIDERS)}")
        services[name] = Service(
            name=name,
            category=table["category"],
            description=table.get("description", ""),
            phase=phase,
            provider=provider,
            database_url=table.get("database_url"),
            models=table.get("models", {}),
            enums=table.get("enums", {}),
            lint=table.get("lint", {}),
            clients=_parse_clients(check, table["clients"], ("services", name, "clients")) if "clients" in table else None,
        )
    return services
