"""The one entry point: ``mobitui serve`` today; the TUI, ``demo`` and headless commands join here.

Argument parsing lives here and nowhere else, so the README, ``--help`` and the tests all see
the same options. Errors a user can fix (a port in use, a non-loopback bind with the demo
accounts, an unreadable accounts file) end with one clear line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from mobitui import __version__

#: Exit codes shared by every command (documented in the README).
EXIT_OK = 0
EXIT_USAGE = 2


def default_server_db() -> Path:
    """Where ``mobitui serve`` keeps its database unless ``--db`` says otherwise."""
    return Path(platformdirs.user_data_dir("mobitui")) / "reference-server.sqlite3"


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than zero")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mobitui",
        description="Keyboard-driven terminal UI for retiring devices in mobiconnect.",
    )
    parser.add_argument("--version", action="version", version=f"mobitui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the reference server (implements the API contract, simulates a fleet)",
        description=(
            "Run the reference server on loopback. The database is created and seeded on "
            "first start and reused afterwards: restarting loses nothing."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8765, help="port (default: %(default)s)")
    serve.add_argument("--db", type=Path, default=None, help="SQLite database file")
    serve.add_argument(
        "--fleet", type=_positive_int, default=5000, help="devices to seed (default: %(default)s)"
    )
    serve.add_argument("--seed", type=int, default=1, help="fleet seed (default: %(default)s)")
    serve.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        help="simulated clock speed, times real time (default: %(default)s)",
    )
    serve.add_argument(
        "--accounts", type=Path, default=None, help="TOML file replacing the demo accounts"
    )
    serve.add_argument(
        "--sim-controls",
        action="store_true",
        help="enable the /sim/ endpoints (clock advance, audit read-out) for tests and demos",
    )

    commands.add_parser(
        "hash-password",
        help="read a password from the terminal or stdin and print its hash for --accounts",
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    from mobitui.sim.config import ServerConfig
    from mobitui.sim.server import run

    config = ServerConfig(
        db_path=args.db or default_server_db(),
        fleet=args.fleet,
        seed=args.seed,
        speed=args.speed,
        accounts_file=args.accounts,
        sim_controls=args.sim_controls,
    )
    config.db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        run(config, host=args.host, port=args.port)
    except (ValueError, OSError) as exc:
        print(f"mobitui serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _hash_password() -> int:
    from mobitui.sim.accounts import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("mobitui hash-password: empty password", file=sys.stderr)
        return EXIT_USAGE
    print(hash_password(password))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    match args.command:
        case "serve":
            return _serve(args)
        case "hash-password":
            return _hash_password()
        case _:
            parser.print_help()
            return EXIT_USAGE
