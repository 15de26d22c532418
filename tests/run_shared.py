"""Something expensive built once per test run and shared by every xdist worker.

Each xdist worker is its own process with its own session fixtures, so a session
fixture alone would build a wheel venv once per worker. `built_once` builds into a
folder of the run's shared temporary directory under a `filelock`: the first worker
builds, the others wait and reuse it. A failed build leaves no marker, so each
waiting worker starts over in an emptied folder and reports its own failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

DONE = ".built"


def run_dir(factory: pytest.TempPathFactory) -> Path:
    """The temporary directory of this run: shared by its xdist workers, new for every run."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name` of this run, filled by `build(folder)` by whichever worker gets there first."""
    folder = run_dir(factory) / name
    with FileLock(str(folder) + ".lock"):
        if not (folder / DONE).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()
    return folder
