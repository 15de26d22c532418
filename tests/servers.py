"""Database servers for tests: the one already running, else a throw-away one started here.

MariaDB: `127.0.0.1:3306` (root, no password) when it answers; otherwise a
throw-away server from `mariadb-install-db` + `mariadbd` on a free port in a
temporary folder, stopped and removed at the end of the session. When neither is
possible the test is skipped, or fails under `CI` (see `tests/prerequisites.py`).
`AZORA_TEST_THROWAWAY_MARIADB=1` forces the throw-away server (to test this path).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.prerequisites import missing


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def mariadb() -> Iterator[str]:
    """`mysql://root@127.0.0.1:PORT` of a MariaDB server we may create databases on."""
    if reachable("127.0.0.1", 3306) and os.environ.get("AZORA_TEST_THROWAWAY_MARIADB") != "1":
        yield "mysql://root@127.0.0.1:3306"
        return
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    server = shutil.which("mariadbd") or shutil.which("mysqld") or next((p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if Path(p).is_file()), None)
    if not install or not server:
        missing("no MariaDB at 127.0.0.1:3306 and no mariadb-install-db/mariadbd to start a throw-away server (apt-get install mariadb-server)")
    folder = Path(tempfile.mkdtemp(prefix="azora-mariadb-"))
    port = free_port()
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(
        [install, "--no-defaults", f"--datadir={folder / 'data'}", "--auth-root-authentication-method=normal", "--skip-test-db", *user],
        check=True,
        capture_output=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [
            server,
            "--no-defaults",
            f"--datadir={folder / 'data'}",
            f"--socket={folder / 'sock'}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={folder / 'pid'}",
            "--skip-log-bin",
            *user,
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "log", "w"),
        start_new_session=True,  # the server owns the file
    )
    try:
        deadline = time.monotonic() + 60
        while not reachable("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the throw-away MariaDB did not start: {(folder / 'log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield f"mysql://root@127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
