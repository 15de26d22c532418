"""Atomic file writes: a temp file in the same folder, then a rename.

A reader (or a crash, or Ctrl-C) never sees half a file: it sees the old
content or the new content, nothing in between.

`mkstemp` creates its file with mode 0600, and the rename would carry that
mode over to every schema, migration and page the tool writes. So the new file
gets the mode of the file it replaces, or -- for a new file -- what an
ordinary `open()` would give under the current umask.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask (reading it means setting it; the lock keeps threads from racing)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def mode_for(path: Path) -> int:
    """Permission bits a write of `path` should end with."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = mode_for(path)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            os.fchmod(stream.fileno(), mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
