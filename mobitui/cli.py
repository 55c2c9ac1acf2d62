"""The one entry point: the TUI (default), ``demo``, ``serve``; headless commands join here.

Argument parsing lives here and nowhere else, so the README, ``--help`` and the tests all see
the same options. Errors a user can fix (a port in use, a non-loopback bind with the demo
accounts, an unreadable accounts file) end with one clear line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from mobitui import __version__
from mobitui.exit_codes import ExitCode
from mobitui.sim.demo_accounts import DEMO_PASSWORDS

if TYPE_CHECKING:
    from mobitui.i18n import Lang
    from mobitui.tui.app import MobiApp


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
    parser.add_argument("--profile", help="profile to connect with (default: the default one)")
    _tui_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="start the reference server (a child process) and open the TUI as the demo admin",
        description=(
            "Start the reference server on a free loopback port (fresh database in a temporary "
            "directory unless --db), log in as the demo admin and open the TUI."
        ),
    )
    demo.add_argument(
        "--fleet", type=_positive_int, default=5000, help="devices (default: %(default)s)"
    )
    demo.add_argument("--seed", type=int, default=1, help="fleet seed (default: %(default)s)")
    demo.add_argument("--db", type=Path, default=None, help="keep the demo database in this file")
    demo.add_argument(
        "--hostile",
        action="store_true",
        help="seed devices with hostile names (markup, escape sequences, 10,000 characters …)",
    )
    demo.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        help="simulated clock speed, times real time (default: %(default)s)",
    )
    demo.add_argument(
        "--account",
        choices=sorted(DEMO_PASSWORDS),
        default="admin",
        help="demo account to log in as (default: %(default)s)",
    )
    _tui_options(demo)

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
        "--hostile",
        action="store_true",
        help="seed devices with hostile names (markup, escape sequences, 10,000 characters …)",
    )
    serve.add_argument(
        "--sim-controls",
        action="store_true",
        help="enable the /sim/ endpoints (clock advance, audit read-out) for tests and demos; "
        "loopback only",
    )

    commands.add_parser(
        "hash-password",
        help="read a password from the terminal or stdin and print its hash for --accounts",
    )
    _headless(commands)
    return parser


def _connection(
    parser: argparse.ArgumentParser, *, formats: bool = True, lang: bool = True
) -> None:
    """Options every headless command takes: where, who, how the password comes, output."""
    where = parser.add_argument_group("server and account")
    where.add_argument(
        "--profile", default=argparse.SUPPRESS, help="profile to use (default: the default one)"
    )
    where.add_argument("--server", help="a server URL for a one-off (with --account)")
    where.add_argument("--account", help="the account to log in as (with --server)")
    where.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (never pass it as an argument)",
    )
    where.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS,
        help="refuse every destructive command before anything is sent (also: the profile's "
        "read_only, an operator account)",
    )
    _debug_option(parser)
    if lang:
        parser.add_argument(
            "--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language of messages"
        )
    if formats:
        parser.add_argument(
            "--format",
            choices=("table", "json", "csv"),
            default="table",
            help="output format (default: %(default)s)",
        )


def _selection(parser: argparse.ArgumentParser) -> None:
    # Every selector may be repeated, and every one counts: keeping only the last
    # ``--device`` (argparse's default) acted on fewer devices than the command line named.
    chosen = parser.add_argument_group("devices (any combination; each may be repeated)")
    chosen.add_argument(
        "--group", action="append", metavar="G", help="a group id or name (repeatable)"
    )
    chosen.add_argument(
        "--subgroups", action="store_true", help="with --group: their subgroups too"
    )
    chosen.add_argument(
        "--device", action="extend", nargs="+", metavar="ID", help="device ids (repeatable)"
    )
    chosen.add_argument(
        "--from-csv",
        action="append",
        metavar="FILE",
        help="a column of serial numbers or device ids (UTF-8, with or without BOM, or "
        "Shift_JIS as Japanese Excel saves it; at most 64 MiB and 1,000 columns); a header "
        "row is detected (repeatable: every file is read)",
    )
    chosen.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help="with --from-csv: the column to read (its header, or its number from 1), when "
        "the file leaves it in doubt; once for every file, or once per file in order",
    )


def _acting(parser: argparse.ArgumentParser) -> None:
    # From the domain, not the command: building the parser must not import the API client
    # (``mobitui demo`` starts its server before anything heavy is imported).
    from mobitui.domain.rules import ACKNOWLEDGEABLE

    _connection(parser)
    _selection(parser)
    safety = parser.add_argument_group("safety")
    safety.add_argument(
        "--dry-run", action="store_true", help="print the preflight and send nothing"
    )
    safety.add_argument(
        "--agree",
        action="store_true",
        help="「同意する」 for non-interactive runs (else asked on the terminal)",
    )
    safety.add_argument(
        "--acknowledge",
        action="append",
        choices=ACKNOWLEDGEABLE,
        metavar="WARNING",
        help=f"acknowledge a warning that can cost a factory reset: {', '.join(ACKNOWLEDGEABLE)}",
    )


def _headless(commands: argparse._SubParsersAction) -> None:
    logout = commands.add_parser(
        "logout",
        help="revoke the profile's cached token on the server; delete it and the cached fleet",
    )
    _connection(logout, formats=False)

    groups = commands.add_parser("groups", help="list the groups")
    _connection(groups)

    devices = commands.add_parser("devices", help="list devices")
    _connection(devices)
    devices.add_argument(
        "--group", action="append", metavar="G", help="a group id or name (repeatable)"
    )
    devices.add_argument("--subgroups", action="store_true", help="with --group: subgroups too")
    devices.add_argument(
        "--state", choices=("active", "inactivation_pending", "inactive"), help="only this state"
    )
    devices.add_argument("--query", help="name, serial, user or phone contains this")

    requests = commands.add_parser("requests", help="list inactivation requests (or cancel one)")
    _connection(requests)
    requests.add_argument(
        "--status", choices=("scheduled", "in_progress", "completed", "cancelled")
    )
    sub = requests.add_subparsers(dest="requests_command", metavar="SUBCOMMAND")
    cancel = sub.add_parser("cancel", help="cancel a scheduled request")
    _connection(cancel)
    cancel.add_argument("request_id", metavar="ID")
    cancel.add_argument("--agree", action="store_true", help="do not ask for confirmation")

    inactivate = commands.add_parser(
        "inactivate", help="一括インアクティベーション of the chosen devices"
    )
    _acting(inactivate)
    inactivate.add_argument(
        "--remove-apple-mdm-profile",
        action="store_true",
        help="「Apple MDMプロファイル削除」「有効にする」",
    )
    inactivate.add_argument(
        "--schedule",
        metavar="DATETIME",
        help="「予約日時を設定する」: YYYY-MM-DD HH:MM (local time) or RFC 3339",
    )

    force = commands.add_parser(
        "force-inactivate", help="一括強制インアクティベーション of the chosen devices"
    )
    _acting(force)
    force.add_argument(
        "--delete-after", action="store_true", help="「有効」: delete the records right after"
    )

    delete = commands.add_parser("delete", help="端末一括削除 of the chosen (inactive) devices")
    _acting(delete)

    resume = commands.add_parser(
        "resume", help="finish an interrupted bulk operation of this server and account"
    )
    _connection(resume)
    resume.add_argument("--operation", metavar="ID", help="only this operation")
    resume.add_argument("--agree", action="store_true", help="do not ask for confirmation")
    resume.add_argument(
        "--abandon",
        action="store_true",
        help="with --operation: give the rest of it up for good (nothing is sent)",
    )

    checklist = commands.add_parser("checklist", help="the on-device steps")
    steps = checklist.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND", required=True)
    export = steps.add_parser("export", help="write instruction sheets for device users")
    _connection(export, formats=False, lang=False)
    _selection(export)
    export.add_argument(
        "--lang",
        dest="sheet_langs",
        action="append",
        choices=("ja", "en"),
        help="language of the sheets (repeat for both; default: the message language)",
    )
    export.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("md", "txt"),
        help="md and/or txt (default: both)",
    )
    export.add_argument("--out", required=True, metavar="DIR", help="folder to write into")

    retirement = commands.add_parser(
        "retirement", help="the retirement records kept on this machine (no login needed)"
    )
    kept = retirement.add_subparsers(dest="retirement_command", metavar="SUBCOMMAND", required=True)
    listed = kept.add_parser("list", help="the retirements of this server and account")
    _connection(listed)
    shown = kept.add_parser("show", help="one retirement: each device's stage and times")
    _connection(shown)
    shown.add_argument("retirement_id", metavar="ID")
    renamed = kept.add_parser(
        "rename", help="give one retirement a new name (kept on this machine)"
    )
    _connection(renamed, formats=False)
    renamed.add_argument("retirement_id", metavar="ID")
    renamed.add_argument(
        "name",
        metavar="NAME",
        help="the new name, kept as typed (not empty, no control characters)",
    )
    report = kept.add_parser("report", help="one retirement's report (CSV or Markdown)")
    _connection(report, formats=False)
    report.add_argument("retirement_id", metavar="ID")
    report.add_argument(
        "--format",
        dest="report_format",
        choices=("csv", "markdown"),
        default="markdown",
        help="report format (default: %(default)s); its language: --lang",
    )
    report.add_argument("--out", metavar="FILE", help="write a new 0600 file, not stdout")
    report.add_argument("--force", action="store_true", help="with --out: replace the file")
    report.add_argument(
        "--audit-from-server",
        action="store_true",
        help="log in and compare with the server's audit log (the reference server's)",
    )


def _tui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help="ja or en")
    parser.add_argument("--read-only", action="store_true", help="disable every destructive action")
    _debug_option(parser)


def _debug_option(parser: argparse.ArgumentParser) -> None:
    from mobitui.i18n import Catalogue

    t = Catalogue("en")
    # SUPPRESS: a subcommand's default must not undo ``mobitui --debug COMMAND``.
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=t("setup.help.debug")
    )


def _start_log(args: argparse.Namespace) -> int | None:
    """``--debug`` / ``MOBITUI_LOG``: the 0600 debug log started (:mod:`~mobitui.local.
    logging_setup`); ``--debug`` alone says where it is. None: go on; else the exit code."""
    debug = getattr(args, "debug", False)
    if not debug and not os.environ.get("MOBITUI_LOG"):
        return None  # nothing imported for a run without a log
    from mobitui.i18n import Catalogue, choose_lang
    from mobitui.local import logging_setup
    from mobitui.local.paths import ConfigError

    try:
        started = logging_setup.start_from(debug)
    except ConfigError as exc:
        print(f"mobitui: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if started is not None and started[1]:
        t = Catalogue(choose_lang(getattr(args, "lang", None), None, os.environ))
        print(t("setup.debug_log", path=started[0].path), file=sys.stderr, flush=True)
    return None


def _without_server(command: str, args: argparse.Namespace) -> int | None:
    """``demo`` and ``serve`` need the ``server`` extra: one line and exit 2 without it."""
    from mobitui.sim.installed import server_installed

    if server_installed():
        return None
    from mobitui.i18n import Catalogue, choose_lang

    t = Catalogue(choose_lang(getattr(args, "lang", None), None, os.environ))
    print(t("setup.needs_server", command=command), file=sys.stderr)
    return ExitCode.USAGE


def _lang(args: argparse.Namespace) -> Lang:
    """``--lang``, else the locale's (a profile's language is applied where it is resolved:
    :func:`mobitui.local.profiles.resolve_settings`)."""
    from mobitui.i18n import choose_lang

    return choose_lang(args.lang, None, os.environ)


def _demo(args: argparse.Namespace) -> int:
    if (refused := _without_server("demo", args)) is not None:
        return refused
    # The server process starts first, so that it seeds (or copies) its database and imports
    # its framework on another core while this one imports the terminal UI.
    from mobitui.local.paths import ConfigError, cache_dir, ensure_state_dir
    from mobitui.sim.config import ServerConfig
    from mobitui.sim.demo_server import DemoServer

    try:
        # Created 0700 and checked: the demo server's log goes there, and the journals.
        logs = ensure_state_dir()
    except ConfigError as exc:
        print(f"mobitui demo: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    with tempfile.TemporaryDirectory(prefix="mobitui-demo-") as tmp:
        db = args.db or Path(tmp) / "demo.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        config = ServerConfig(
            db_path=db, fleet=args.fleet, seed=args.seed, speed=args.speed, hostile=args.hostile
        )
        with DemoServer(config, logs / "demo-server.log", cache_dir() / "demo") as server:
            from mobitui.tui.app import MobiApp
            from mobitui.tui.launch import Launch

            launch = Launch(
                base_url=server.base_url,
                account=args.account,
                lang=_lang(args),
                profile="demo",
                read_only=args.read_only,
                demo_password=DEMO_PASSWORDS[args.account],
                cache_token=False,
                # A fresh database each run: a snapshot of it could never be used again. With
                # --db the database stays, and so may its snapshot (a warm start, as in use).
                cache_fleet=args.db is not None,
            )
            app = MobiApp(launch)
            app.run()
    return _ended(app)


def _tui(args: argparse.Namespace) -> int:
    from mobitui.local.paths import ConfigError
    from mobitui.local.profiles import load_profiles, resolve_settings
    from mobitui.tui.app import MobiApp
    from mobitui.tui.launch import Launch

    try:
        configured = load_profiles()
        settings = None
        if configured.profiles:  # else the first run: the app opens with the profile form
            settings = resolve_settings(
                args.profile, lang=args.lang, read_only=args.read_only, configured=configured
            )
    except ConfigError as exc:
        print(f"mobitui: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if settings is None:
        app = MobiApp(None, lang=_lang(args), read_only=args.read_only)
    else:
        app = MobiApp(Launch.of(settings))
    app.run()
    return _ended(app)


def _ended(app: MobiApp) -> int:
    """The TUI's exit status: 0, or 70 after an unexpected exception, whose one line (naming
    its crash file: :mod:`mobitui.local.crash_reports`) is printed here, on the restored
    terminal."""
    if app.crash_line is not None:
        print(app.crash_line, file=sys.stderr, flush=True)
    return app.return_code or ExitCode.OK


def _serve(args: argparse.Namespace) -> int:
    if (refused := _without_server("serve", args)) is not None:
        return refused
    from mobitui.sim.config import ServerConfig
    from mobitui.sim.server import check_bind, run

    config = ServerConfig(
        db_path=args.db or default_server_db(),
        fleet=args.fleet,
        seed=args.seed,
        speed=args.speed,
        accounts_file=args.accounts,
        sim_controls=args.sim_controls,
        hostile=args.hostile,
    )
    try:
        check_bind(config, args.host)  # before anything is created on disk
        config.db_path.parent.mkdir(parents=True, exist_ok=True)
        run(config, host=args.host, port=args.port)
    except (ValueError, OSError) as exc:
        print(f"mobitui serve: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    return ExitCode.OK


def _hash_password() -> int:
    from mobitui.sim.accounts import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("mobitui hash-password: empty password", file=sys.stderr)
        return ExitCode.USAGE
    print(hash_password(password))
    return ExitCode.OK


HEADLESS = frozenset(
    {
        "logout",
        "groups",
        "devices",
        "requests",
        "inactivate",
        "force-inactivate",
        "delete",
        "resume",
        "checklist",
        "retirement",
    }
)


def _run_headless(args: argparse.Namespace) -> int | None:
    """The headless commands (None: not one of them).

    Their modules (the API client, httpx) are imported only for them: ``mobitui demo`` must
    reach its server's start without paying for them first.
    """
    if args.command not in HEADLESS:
        return None
    from mobitui.commands import acting, reading
    from mobitui.commands.common import run
    from mobitui.domain.rules import ActionKind

    # A dry run sends nothing: cut off like any reading command, it may end with 0.
    acting_on = not getattr(args, "dry_run", False)
    match args.command:
        case "logout":
            return run(args, reading.logout)
        case "groups":
            return run(args, reading.groups)
        case "devices":
            return run(args, reading.devices)
        case "requests" if getattr(args, "requests_command", None) == "cancel":
            return run(args, reading.cancel, destructive=True)
        case "requests":
            return run(args, reading.requests)
        case "inactivate":
            return run(args, partial(acting.act, ActionKind.INACTIVATE), destructive=acting_on)
        case "force-inactivate":
            return run(
                args, partial(acting.act, ActionKind.FORCE_INACTIVATE), destructive=acting_on
            )
        case "delete":
            return run(args, partial(acting.act, ActionKind.DELETE), destructive=acting_on)
        case "resume":
            return run(args, acting.resume, destructive=not args.abandon)
        case "checklist":
            return run(args, acting.export_checklists)
        case "retirement":
            from mobitui.commands import retirement

            command = {
                "list": retirement.list_retirements,
                "show": retirement.show,
                "rename": retirement.rename_retirement,
                "report": retirement.report,
            }[args.retirement_command]
            return run(args, command)
    raise AssertionError(args.command)


def _is_text(word: str) -> bool:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Every command; an exception nothing else handled ends as one line and exit 70.

    The traceback (never its locals) goes to a 0600 crash file in the state dir
    (:mod:`mobitui.local.crash_reports`): a shared jump host's scrollback shows no device data,
    and a script sees the failure in the exit status (``EX_SOFTWARE``).
    """
    _degrade_output()
    try:
        return _main(argv)
    except Exception as exc:
        from mobitui.local import crash_reports

        return crash_reports.report(exc)


def _degrade_output() -> None:
    """Never crash on text the terminal cannot show: with ``PYTHONIOENCODING=ascii``, a C
    locale or a Latin-1 terminal, a device name or 「同意する」 is written as ``\\u…``
    escapes instead of ending a finished run with a traceback and a table cut in half."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        # A closed or detached stream: nothing will be written to it anyway.
        with contextlib.suppress(ValueError, OSError):
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    undecodable = next((i for i, w in enumerate(words, 1) if not _is_text(w)), None)
    if undecodable is not None:
        # Python hands bytes that are not UTF-8 over as lone surrogates: no terminal, URL,
        # JSON body or file name this program writes can hold them.
        shown = words[undecodable - 1].encode("utf-8", "surrogateescape")
        print(
            f"mobitui: argument {undecodable} is not UTF-8 text ({shown!r}); "
            "use UTF-8 (rename a file, or pass a path without such bytes)",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    parser = build_parser()
    args = parser.parse_args(words)
    if (refused := _start_log(args)) is not None:
        return refused
    headless = _run_headless(args)
    if headless is not None:
        return headless
    match args.command:
        case "serve":
            return _serve(args)
        case "hash-password":
            return _hash_password()
        case "demo":
            return _demo(args)
        case _:
            return _tui(args)
