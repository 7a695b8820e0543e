"""A throwaway PostgreSQL server for the test session, started from the installed binaries.

``initdb`` refuses to run as root (and CI runs as root), so as root the cluster belongs to the
unprivileged user ``nobody`` and its commands run through ``runuser``. The cluster lives in a
temporary folder, listens on 127.0.0.1 at a free port, trusts local connections and is removed at
the end. Written by hand because pytest-postgresql runs ``pg_ctl`` as the current user, which
fails as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: PATH, then Debian's /usr/lib/postgresql/*/bin."""
    for env in (os.environ.get("AIMAK_PG_BINDIR"),):
        if env and (Path(env) / "initdb").exists():
            return Path(env)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.insert(0, which)
    for c in candidates:
        if Path(c).exists() and (Path(c).parent / "pg_ctl").exists():
            return Path(c).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    port: int
    user: str = "aimak"
    runas: str | None = None

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.runas, "--", *cmd] if self.runas else cmd

    def run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(self._cmd(*args), check=True, capture_output=True, text=True, **kw)

    def settings(self, name: str = "postgres") -> dict:
        return {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": self.user,
                "PASSWORD": "", "HOST": "127.0.0.1", "PORT": str(self.port)}

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start(bindir: Path) -> PgServer:
    """initdb + pg_ctl start in a new temporary folder; wait until it accepts connections."""
    root = Path(tempfile.mkdtemp(prefix="aimak-pg-"))
    runas = "nobody" if os.geteuid() == 0 else None
    os.chmod(root, 0o755)
    datadir = root / "data"
    datadir.mkdir()
    if runas:
        shutil.chown(datadir, user=runas)
    server = PgServer(bindir, datadir, 0, runas=runas)
    server.run("initdb", "-D", str(datadir), "-U", server.user, "--auth=trust",
               "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
    # the port is chosen just before the start, and chosen again if something took it meanwhile
    # (the other test worker starts its servers at the same moment)
    for attempt in range(3):
        server.port = _free_port()
        opts = (f"-h 127.0.0.1 -p {server.port} -k {datadir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        try:
            server.run("pg_ctl", "-D", str(datadir), "-o", opts, "-l", str(datadir / "log"),
                       "-w", "start", cwd="/")
            break
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("PostgreSQL did not start within 30 s")
