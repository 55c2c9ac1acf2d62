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
    # completion prints a script made from the parser itself (before any command runs)
    assert names - cli.HEADLESS == {"demo", "serve", "hash-password", "completion"}


def _fresh_python(*lines: str) -> list[str]:
    """What a new interpreter prints running ``lines`` (imports are per process)."""
    done = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.split()


def test_the_demo_reaches_its_server_start_without_the_client_or_textual() -> None:
    # The server process starts first and works on the other core while the TUI is imported:
    # anything heavy imported before it starts is start-up time lost.
    printed = _fresh_python(
        "import sys",
        "from mobitui import cli",
        "args = cli.build_parser().parse_args(['demo', '--fleet', '50'])",
        "assert cli._run_headless(args) is None",
        "print(sorted(m for m in ('httpx', 'textual', 'mobitui.api.client') if m in sys.modules))",
    )
    assert printed == ["[]"]


def test_the_tui_imports_only_what_its_first_screen_needs() -> None:
    # Measured levers of start-up (python -m bench, "start to first interactive frame"): the
    # dialogs, checklist and requests screens load on first use, and httpx's command-line tool
    # (which drags in click and pygments' lexers) never loads.
    printed = _fresh_python(
        "import sys",
        "import mobitui.tui.app",
        "unwanted = ('click', 'pygments.lexers', 'mobitui.tui.screens.bulk.dialog',"
        " 'mobitui.tui.screens.checklist', 'mobitui.tui.screens.requests',"
        " 'mobitui.tui.controllers.operations', 'mobitui.tui.controllers.files')",
        "print(sorted(m for m in unwanted if sys.modules.get(m) is not None))",
        "import httpx",
        "print(httpx.AsyncClient.__name__)",
    )
    assert printed == ["[]", "AsyncClient"]
