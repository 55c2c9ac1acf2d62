"""``python -m bench``: every figure of issue 6, one line each, then ``N/M figures within goal``.

Run it from the repository root with the project's virtual environment (README, "Performance").
``--only NAME …`` runs some figures; ``--markdown`` also prints the README table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _isolate(work: Path) -> None:
    """Keep the run away from the user's own profiles, tokens, journals and caches."""
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        os.environ[name] = str(work / name.lower())
    os.environ["TZ"] = "UTC"
    time.tzset()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these figures")
    parser.add_argument("--markdown", action="store_true", help="print the README table too")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mobitui-bench-") as tmp:
        work = Path(tmp)
        _isolate(work)
        from bench import terminal, tui, wire
        from bench.report import Figure, line, markdown
        from bench.servers import Templates

        templates = Templates(work)
        suite: dict[str, Callable[[], list[Figure] | Figure]] = {
            "startup": lambda: terminal.startup(work),
            "load": lambda: tui.load_first_frame(templates, work),
            "filter": lambda: tui.filter_latency(templates, work),
            "scroll": lambda: tui.scroll_page(templates, work),
            "bulk": lambda: wire.bulk_inactivation(templates, work),
            "sync": lambda: wire.full_sync(templates, work),
            "changes": lambda: tui.change_feed(templates, work),
            "retirement": lambda: tui.retirement_view(templates, work),
            "warm": lambda: wire.warm_start(templates, work),
            "memory": lambda: tui.memory(templates, work),
            "bytes": lambda: terminal.bytes_per_key(templates, work),
            "idle": lambda: terminal.idle(templates, work),
            "repaints": lambda: tui.repaints_during_bulk(templates, work),
        }
        if args.list:
            print("\n".join(suite))
            return 0
        chosen = args.only or list(suite)
        unknown = [n for n in chosen if n not in suite]
        if unknown:
            parser.error(f"unknown figure(s): {', '.join(unknown)} (see --list)")
        figures: list[Figure] = []
        started = time.monotonic()
        for name in chosen:
            result = suite[name]()
            for figure in result if isinstance(result, list) else [result]:
                figures.append(figure)
                print(line(figure), flush=True)
        within = sum(f.ok for f in figures)
        if args.markdown:
            print()
            print(markdown(figures))
            print()
        print(f"ran in {time.monotonic() - started:.0f} s", file=sys.stderr)
        print(f"{within}/{len(figures)} figures within goal")
        return 0


if __name__ == "__main__":
    sys.exit(main())
