"""``python -m bench.rss app URL FLEET`` or ``python -m bench.rss bare``: resident memory, in MB.

Each is its own process, so the figure is the whole interpreter: Textual, our code, the fleet.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def app_rss(url: str, fleet: int) -> float:
    from bench.drive import SIZE, fully_loaded, make_app
    from bench.servers import Server

    class _At(Server):
        def __init__(self) -> None:  # an already running server
            self.port = int(url.rsplit(":", 1)[1])
            self.fleet = fleet

    app = make_app(_At())
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, fleet)
        app.fleet.prepare(app.main_screen.spec.sort)  # the filter's index, as after a keystroke
        gc.collect()
        await pilot.pause()
        return rss_mb()


async def bare_rss() -> float:
    from bench.bare import BareTable

    app = BareTable()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        gc.collect()
        return rss_mb()


if __name__ == "__main__":
    if sys.argv[1] == "app":
        value = asyncio.run(app_rss(sys.argv[2], int(sys.argv[3])))
    else:
        value = asyncio.run(bare_rss())
    print(json.dumps({"rss_mb": value}))
