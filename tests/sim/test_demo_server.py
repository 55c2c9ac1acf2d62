"""The demo's server process: serves at once on its socket, stops with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mobitui.sim.config import ServerConfig
from mobitui.sim.demo_server import DemoServer


def test_it_serves_a_seeded_fleet_and_stops_cleanly(tmp_path: Path) -> None:
    config = ServerConfig(db_path=tmp_path / "demo.sqlite3", fleet=200, seed=2)
    with DemoServer(config, tmp_path / "server.log", tmp_path / "cache") as server:
        proc = server._proc
        assert proc is not None
        # No waiting for readiness: the request queues on the socket until the child serves.
        answer = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            json={"account": "admin", "password": "demo-admin-pass"},
            timeout=60,
        )
        assert answer.status_code == 200
        token = answer.json()["token"]
        page = httpx.get(
            f"{server.base_url}/api/v1/devices",
            headers={"Authorization": f"Bearer {token}"},
            params={"limit": "1000"},
        ).json()
        assert page["total"] == 200
    assert proc.poll() is not None  # stopped, not left behind
    assert list((tmp_path / "cache").glob("demo-*.sqlite3"))  # the next demo copies it


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit is reaped by whoever adopted it, maybe never)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_server_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A demo killed with SIGKILL leaves no server behind."""
    script = f"""
import sys, time
from pathlib import Path
from mobitui.sim.config import ServerConfig
from mobitui.sim.demo_server import DemoServer
server = DemoServer(ServerConfig(db_path=Path({str(tmp_path / "d.sqlite3")!r}), fleet=50),
                    Path({str(tmp_path / "log")!r}), Path({str(tmp_path / "cache")!r})).start()
print(server._proc.pid, flush=True)
time.sleep(60)
"""
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(200):
        if not running(child):
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the demo server outlived its parent")
