"""``python -m bench.serve DB FLEET PORT [LATENCY]``: one reference server for the benchmarks.

``LATENCY`` (seconds, default 0) holds every bulk call that long before the server answers it,
as a slow tenant would: a figure that counts frames *per second* of a bulk run then measures a
run of several seconds, where its progress frames dominate, not the handful of frames at its
start and end.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import uvicorn

from bench.servers import _config
from mobitui.sim.app import create_app

BULK = ("/inactivations", "/forced-inactivations", "/device-deletions")


class Slow:
    """ASGI middleware: a bulk POST waits ``latency`` seconds before it reaches the app."""

    def __init__(self, app: Any, latency: float) -> None:
        self.app = app
        self.latency = latency

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        slow = scope["type"] == "http" and scope.get("method") == "POST"
        if slow and str(scope.get("path", "")).endswith(BULK):
            await asyncio.sleep(self.latency)
        await self.app(scope, receive, send)


if __name__ == "__main__":
    db, fleet, port = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    latency = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    app: Any = create_app(_config(db, fleet))
    if latency > 0:
        app = Slow(app, latency)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        server_header=False,
        date_header=False,  # the app stamps Date with the simulated clock
    )
