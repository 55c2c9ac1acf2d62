"""``python -m bench.serve DB FLEET PORT``: one reference server for the benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.servers import _config
from mobitui.sim.server import run

if __name__ == "__main__":
    db, fleet, port = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    run(_config(db, fleet), port=port)
