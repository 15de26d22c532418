"""Plain `python -m pytest` (the README's CI command) runs the suite on 3 xdist workers.

Loaded by `addopts = "-p tests.xdist_defaults"` in pyproject.toml. Most tests wait on
Node, Prisma or a database rather than on Python, so 3 workers keep 2 cores busy.
`--dist loadgroup` keeps tests marked `@pytest.mark.xdist_group(name)` on one worker.
Nothing is added when the caller chose the distribution (`-n`, `--numprocesses`,
`--dist`, `-p no:xdist`), when xdist is not installed, when a debugger is asked for,
or when the arguments name single tests (`path::test`): starting workers would cost
more than the test. `AZORA_TEST_WORKERS=N` sets the worker count (0: serial).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

WORKERS = 3
CHOSEN = ("-n", "--numprocesses", "--dist", "-d", "--pdb", "--trace", "--collect-only", "--co")


def _chooses_itself(args: list[str]) -> bool:
    """True when an argument already settles distribution, or names single tests."""
    for arg in args:
        if arg.startswith("-"):
            option = arg.split("=", 1)[0]
            if option in CHOSEN or (option.startswith("-n") and not option.startswith("--")):
                return True
        elif "::" in arg and Path(arg.split("::", 1)[0]).exists():  # not an option's value such as `-W ignore::Warning`
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") or not early_config.pluginmanager.hasplugin("xdist") or _chooses_itself(args):
        return
    workers = int(os.environ.get("AZORA_TEST_WORKERS", WORKERS))
    if workers > 0:
        args[:] = ["-n", str(workers), "--dist", "loadgroup", *args]
