"""Which commands are headless, and what ``mobitui demo`` imports before its server starts."""

from __future__ import annotations

import argparse
import subprocess
import sys

from mobitui import cli


def _command_names() -> set[str]:
    parser = cli.build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)


def test_every_command_is_either_headless_or_one_of_the_terminal_ones() -> None:
    names = _command_names()
    assert names >= cli.HEADLESS
    assert names - cli.HEADLESS == {"demo", "serve", "hash-password"}


def test_the_demo_reaches_its_server_start_without_the_client_or_textual() -> None:
    # The server process starts first and works on the other core while the TUI is imported:
    # anything heavy imported before it starts is start-up time lost.
    probe = (
        "import sys\n"
        "from mobitui import cli\n"
        "args = cli.build_parser().parse_args(['demo', '--fleet', '50'])\n"
        "assert cli._run_headless(args) is None\n"
        "print(sorted(m for m in ('httpx', 'textual', 'mobitui.api.client') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_the_tui_imports_only_what_its_first_screen_needs() -> None:
    # Measured levers of start-up (python -m bench, "start to first interactive frame"): the
    # dialogs, checklist and requests screens load on first use, and httpx's command-line tool
    # (which drags in click and pygments' lexers) never loads.
    probe = (
        "import sys\n"
        "import mobitui.tui.app\n"
        "unwanted = ('click', 'pygments.lexers', 'mobitui.tui.screens.bulk_action',\n"
        "            'mobitui.tui.screens.checklist', 'mobitui.tui.screens.requests',\n"
        "            'mobitui.tui.operations', 'mobitui.tui.files')\n"
        "print(sorted(m for m in unwanted if sys.modules.get(m) is not None))\n"
        "import httpx\n"
        "print(httpx.AsyncClient.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["[]", "AsyncClient"]
