"""Which Prisma each service uses: the CLI and its major version, per monorepo and per service.

Teams move services to a new Prisma major one at a time, so one monorepo can
hold Prisma 6 and Prisma 7 services side by side. The version is chosen the way
Node itself would find it, closest first:

1. the service's own install: `node_modules/prisma` in the service folder (or a
   folder between it and the monorepo root);
2. the service's own `package.json` asking for a major (`"prisma": "^7.10.1"` or
   `@prisma/client`), served from the monorepo's pinned alias `node_modules/prisma7`
   (`"prisma7": "npm:prisma@7.10.1"`) when the root CLI is another major;
3. `settings.prisma_major` in the manifest, served the same way;
4. the monorepo's CLI (`settings.prisma_cli`, by default `node_modules/prisma`).

Every choice is checked by `prisma.check_major` (as the monorepo CLI is): Prisma 8 is refused
with a message naming the file that asked for it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from azora_tasks.cache import sha256_json
from azora_tasks.manifest import Manifest, Service
from azora_tasks.toolchain.prisma_cli import PINNED, PrismaCli, PrismaError, check_major, cli_at, find_prisma

CONFIG_NAMES = (
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.cts",
    "prisma.config.js",
    "prisma.config.mjs",
    "prisma.config.cjs",
    ".config/prisma.ts",
    ".config/prisma.js",
    ".config/prisma.cjs",
    ".config/prisma.mjs",
)
_PACKAGES_NAMING_THE_MAJOR = ("prisma", "@prisma/client")
_MAJOR_IN_RANGE = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Toolchain:
    """The Prisma one service runs with, and why (shown by `doctor`)."""

    cli: PrismaCli
    source: str  # where the choice came from, e.g. "services/auth/node_modules/prisma"
    own_config: Path | None = None  # the service's own prisma.config.*, honoured as is

    @property
    def major(self) -> int:
        return self.cli.major

    @property
    def needs_config(self) -> bool:
        """Prisma 7 reads the datasource URL from a config file, never from the schema."""
        return self.major >= 7


def service_config(manifest: Manifest, service: Service) -> Path | None:
    """The service's own `prisma.config.*` (the CLI looks for it in its working directory)."""
    folder = manifest.service_dir(service)
    try:
        present = set(os.listdir(folder))  # one listing, not a stat per candidate name (a 190-service run asks 190 times)
    except OSError:
        return None
    for name in CONFIG_NAMES:
        if name.split("/", 1)[0] in present and (folder / name).is_file():
            return folder / name
    return None
    return None


class ToolchainResolver:
    """Resolves (and remembers) each service's toolchain for one run."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self._default: PrismaCli | None = None
        self._by_service: dict[str, Toolchain] = {}
        self._by_folder: dict[Path, tuple[PrismaCli, str] | None] = {}

    @property
    def default(self) -> PrismaCli:
        if self._default is None:
            self._default = find_prisma(self.manifest)
        return self._default

    def for_service(self, service: Service) -> Toolchain:
        if service.name not in self._by_service:
            self._by_service[service.name] = self._resolve(service)
        return self._by_service[service.name]

    def cache_key(self, service: Service) -> str:
        """What of the service's toolchain changes a task's result: the CLI chosen, its
        version, its own config's text and the URL a Prisma 7 config would carry.
        Never raises: an unresolvable toolchain is a key too (the task reports the error)."""
        try:
            toolchain = self.for_service(service)
        except PrismaError as error:
            return f"error: {error}"
        own = toolchain.own_config.read_text(encoding="utf-8", errors="replace") if toolchain.own_config else ""
        url = os.environ.get("DATABASE_URL", "") if toolchain.needs_config else ""
        return sha256_json([str(toolchain.cli.script), toolchain.cli.version, own, url])

    def _resolve(self, service: Service) -> Toolchain:
        config = service_config(self.manifest, service)
        for folder in _folders_between(self.manifest.service_dir(service), self._root):
            choice = self._choice_in(folder)
            if choice is not None:
                return Toolchain(choice[0], choice[1], config)
        if self.manifest.settings.prisma_major:
            major = self.manifest.settings.prisma_major
            return Toolchain(self._pinned(major, "settings.prisma_major"), "settings.prisma_major", config)
        return Toolchain(self.default, "monorepo (" + self.manifest.settings.prisma_cli + ")", config)

    @functools.cached_property
    def _root(self) -> Path:
        return self.manifest.root.resolve()

    def _choice_in(self, folder: Path) -> tuple[PrismaCli, str] | None:
        """The CLI a folder's own install or package.json chooses, and where that was said; None: no say.
        Remembered per folder: every service below a shared folder asks the same question."""
        if folder not in self._by_folder:
            self._by_folder[folder] = self._ask_folder(folder)
        return self._by_folder[folder]

    def _ask_folder(self, folder: Path) -> tuple[PrismaCli, str] | None:
        root = self._root
        installed = folder / "node_modules" / "prisma" / "build" / "index.js"
        if installed.is_file():
            cli = cli_at(installed.resolve())
            check_major(cli.major, f"{_display(installed, root)}: Prisma {cli.major}", "there")
            return cli, _display(installed.parent.parent, root)
        wanted = _major_wanted_by(folder / "package.json")
        if wanted is not None:
            return self._pinned(wanted, _display(folder / "package.json", root)), _display(folder / "package.json", root)
        return None

    def _pinned(self, major: int, asked_by: str) -> PrismaCli:
        """The monorepo's CLI of this major: the default one, else the `prisma<major>` alias."""
        check_major(major, f"{asked_by}: Prisma {major}", "there")
        if self.default.major == major:
            return self.default
        # The monorepo's alias, or the one next to the default CLI (settings.prisma_cli may point elsewhere).
        for modules in (self.manifest.root / "node_modules", self.default.script.parents[2]):
            alias = modules / f"prisma{major}" / "build" / "index.js"
            if alias.is_file():
                cli = cli_at(alias.resolve())
                if cli.major == major:
                    return cli
        raise PrismaError(
            f"{asked_by} asks for Prisma {major}, but the monorepo's CLI is {self.default.version} and"
            f" node_modules/prisma{major} is not installed"
            f'\n  fix: add "prisma{major}": "npm:prisma@{PINNED.get(major, str(major))}" to the root package.json devDependencies'
            " and run `npm install`, or install prisma in the service folder"
        )


def _major_wanted_by(package_json: Path) -> int | None:
    """The major a package.json pins for prisma / @prisma/client, if it names one."""
    if not package_json.is_file():
        return None
    try:
        data = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PrismaError(f"{package_json}: not valid JSON ({error})\n  fix: repair the file (npm would fail on it too)") from None
    for section in ("dependencies", "devDependencies"):
        for name in _PACKAGES_NAMING_THE_MAJOR:
            spec = (data.get(section) or {}).get(name)
            if isinstance(spec, str):
                if spec.startswith("npm:"):
                    spec = spec.rsplit("@", 1)[-1]
                found = _MAJOR_IN_RANGE.search(spec)
                if found:
                    return int(found.group(1))
    return None


def _folders_between(start: Path, root: Path) -> list[Path]:
    """`start` and its parents up to, not including, the (resolved) monorepo root (the root is the default)."""
    start = start.resolve()
    if not start.is_relative_to(root):
        return [start]
    folders = []
    folder = start
    while folder != root:
        folders.append(folder)
        folder = folder.parent
    return folders


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
