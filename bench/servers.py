"""Reference servers for the benchmarks: seeded once per fleet size, each in its own process.

The server runs in a separate process (``python -m bench.serve``) so that its work never shares
the interpreter lock with the client being measured: the client and its raw-httpx baseline
then talk to the very same server over loopback, and only their own costs differ. Databases
are seeded once per fleet size (fixed seed, frozen simulated clock) and copied for every
server, so a benchmark that changes devices (a bulk inactivation) starts from the same fleet.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from mobitui.sim.demo_accounts import DEMO_PASSWORDS

if TYPE_CHECKING:
    from mobitui.sim.config import ServerConfig

SEED = 6
#: 2026-11-01T09:00:00Z, with the simulated clock frozen: every run sees the same fleet.
START_AT = 1793523600.0
PASSWORD = DEMO_PASSWORDS["admin"]


class Templates:
    """Seeded databases by fleet size, kept for the whole run."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self._made: dict[int, Path] = {}

    def database(self, fleet: int, name: str) -> Path:
        """A fresh copy of the database seeded with ``fleet`` devices."""
        template = self._made.get(fleet)
        if template is None:
            from mobitui.sim.world import World

            template = self.work / f"template-{fleet}.sqlite3"
            World(_config(template, fleet)).close()
            self._made[fleet] = template
        copy = self.work / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, copy)
        return copy


def _config(db: Path, fleet: int) -> ServerConfig:
    from mobitui.sim.config import ServerConfig

    # No rate limit: a token bucket would dominate both sides of every ratio.
    return ServerConfig(
        db_path=db, fleet=fleet, seed=SEED, speed=0, start_at=START_AT, rate_limit=None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``python -m bench.serve`` on a loopback port; a context manager."""

    def __init__(self, db: Path, fleet: int, log: Path, *, latency: float = 0.0) -> None:
        self.db = db
        self.fleet = fleet
        #: Seconds every bulk call is held at the server (``bench.serve``).
        self.latency = latency
        self.port = free_port()
        self.log = log
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    def __enter__(self) -> Server:
        with self.log.open("ab") as log:
            argv = [sys.executable, "-m", "bench.serve", str(self.db), str(self.fleet)]
            self._proc = subprocess.Popen(
                [*argv, str(self.port), str(self.latency)],
                stdout=log,
                stderr=log,
                cwd=Path(__file__).resolve().parent.parent,
                env=os.environ.copy(),
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"the bench server died; see {self.log}")
            try:
                if httpx.get(self.api_url + "/limits", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the bench server did not start")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def token(self) -> str:
        answer = httpx.post(
            self.api_url + "/auth/login", json={"account": "admin", "password": PASSWORD}
        )
        answer.raise_for_status()
        return answer.json()["token"]


def force_inactivate(server: Server, token: str, ids: list[str]) -> None:
    """Change ``ids`` on the server behind the app's back, as another admin would."""
    import uuid

    answer = httpx.post(
        server.api_url + "/forced-inactivations",
        json={"device_ids": ids, "password": PASSWORD, "agree": True, "delete_after": False},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=60,
    )
    answer.raise_for_status()
