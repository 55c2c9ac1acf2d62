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
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import platformdirs

from mobitui import __version__
from mobitui.exit_codes import ExitCode
from mobitui.help_format import CellHelpFormatter
from mobitui.sim.demo_accounts import DEMO_PASSWORDS

if TYPE_CHECKING:
    from mobitui.i18n import Catalogue, Lang
    from mobitui.local.paths import ConfigError
    from mobitui.tui.app import MobiApp


def default_server_db() -> Path:
    """Where ``mobitui serve`` keeps its database unless ``--db`` says otherwise."""
    return Path(platformdirs.user_data_dir("mobitui")) / "reference-server.sqlite3"


def _positive_int(t: Catalogue, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.type.not_a_number", value=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(t("cli.type.zero_or_more"))
    return value


def _positive_float(t: Catalogue, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.type.not_a_number", value=text)) from None
    if not value > 0:
        raise argparse.ArgumentTypeError(t("cli.type.more_than_zero"))
    return value


def _any_int(t: Catalogue, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.type.not_a_number", value=text)) from None


def argv_lang(words: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """The language of ``--help`` and of argparse's errors, known before parsing: the first
    ``--lang ja|en`` (or ``--lang=…``) of ``words`` (up to ``--``), else the locale's."""
    from mobitui.i18n import choose_lang

    chosen: str | None = None
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(words):
            chosen = words[i + 1]
        elif word.startswith("--lang="):
            chosen = word.partition("=")[2]
        if chosen in ("ja", "en"):
            break
        chosen = None
    return choose_lang(chosen, None, os.environ if environ is None else environ)


@contextlib.contextmanager
def argparse_words(lang: Lang) -> Iterator[None]:
    """argparse's own words (``usage:``, ``options``, its errors) in ``lang`` while the parser
    is built and used: argparse asks ``gettext`` for each by its English text, through the
    module's ``_`` and ``ngettext``; they answer from :data:`mobitui.i18n.cli.ARGPARSE_JA`."""
    if lang != "ja":
        yield
        return
    from mobitui.i18n.cli import ARGPARSE_JA

    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        return ARGPARSE_JA.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors quote the command line made visible: a mistyped
    argument holding an escape sequence (pasted) must not reach the terminal as one."""

    def error(self, message: str) -> NoReturn:
        from mobitui.domain.text import visible

        super().error(visible(message))


def build_parser(lang: Lang = "en") -> argparse.ArgumentParser:
    """Every command and option; the help texts in ``lang`` (argparse's own words too, when
    it is built and used inside :func:`argparse_words`)."""
    from mobitui.i18n import Catalogue

    t = Catalogue(lang)
    with argparse_words(lang):
        return _build_parser(t)


def _build_parser(t: Catalogue) -> argparse.ArgumentParser:
    count = partial(_positive_int, t)
    speed = partial(_positive_float, t)
    number = partial(_any_int, t)
    parser = _Parser(
        prog="mobitui",
        description=t("cli.help.description"),
        add_help=False,
        formatter_class=CellHelpFormatter,  # widths in cells, Japanese line breaking
    )
    _help(parser, t)
    parser.add_argument(
        "--version", action="version", version=f"mobitui {__version__}", help=t("cli.help.version")
    )
    parser.add_argument("--profile", help=t("cli.help.profile"))
    _tui_options(parser, t)
    commands = parser.add_subparsers(dest="command", metavar=t("cli.metavar.command"))

    demo = _command(
        commands, "demo", t, t("cli.help.demo"), description=t("cli.help.demo.description")
    )
    demo.add_argument("--fleet", type=count, default=5000, help=t("cli.help.fleet"))
    demo.add_argument("--seed", type=number, default=1, help=t("cli.help.seed"))
    demo.add_argument("--db", type=Path, default=None, help=t("cli.help.demo_db"))
    demo.add_argument("--hostile", action="store_true", help=t("cli.help.hostile"))
    demo.add_argument("--speed", type=speed, default=1.0, help=t("cli.help.speed"))
    demo.add_argument(
        "--account",
        choices=sorted(DEMO_PASSWORDS),
        default="admin",
        help=t("cli.help.demo_account"),
    )
    _tui_options(demo, t)

    serve = _command(
        commands, "serve", t, t("cli.help.serve"), description=t("cli.help.serve.description")
    )
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.help.host"))
    serve.add_argument("--port", type=number, default=8765, help=t("cli.help.port"))
    serve.add_argument("--db", type=Path, default=None, help=t("cli.help.serve_db"))
    serve.add_argument("--fleet", type=count, default=5000, help=t("cli.help.serve_fleet"))
    serve.add_argument("--seed", type=number, default=1, help=t("cli.help.seed"))
    serve.add_argument("--speed", type=speed, default=1.0, help=t("cli.help.speed"))
    serve.add_argument("--accounts", type=Path, default=None, help=t("cli.help.accounts"))
    serve.add_argument("--hostile", action="store_true", help=t("cli.help.hostile"))
    serve.add_argument("--sim-controls", action="store_true", help=t("cli.help.sim_controls"))

    _command(commands, "hash-password", t, t("cli.help.hash_password"))
    _headless(commands, t)
    return parser


def _help(parser: argparse.ArgumentParser, t: Catalogue) -> None:
    parser.add_argument(
        "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help.help")
    )


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    t: Catalogue,
    help: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` says what it does (its help, unless a longer text)."""
    sub: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=description or help,
        add_help=False,
        formatter_class=CellHelpFormatter,
    )
    _help(sub, t)
    return sub


def _connection(
    parser: argparse.ArgumentParser, t: Catalogue, *, formats: bool = True, lang: bool = True
) -> None:
    """Options every headless command takes: where, who, how the password comes, output."""
    where = parser.add_argument_group(t("cli.group.connection"))
    where.add_argument("--profile", default=argparse.SUPPRESS, help=t("cli.help.cmd_profile"))
    where.add_argument("--server", help=t("cli.help.server"))
    where.add_argument("--account", help=t("cli.help.account"))
    where.add_argument("--password-stdin", action="store_true", help=t("cli.help.password_stdin"))
    where.add_argument(
        "--read-only", action="store_true", default=argparse.SUPPRESS, help=t("cli.help.read_only")
    )
    _debug_option(parser, t)
    if lang:
        parser.add_argument(
            "--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help=t("cli.help.lang")
        )
    if formats:
        parser.add_argument(
            "--format",
            choices=("table", "json", "csv"),
            default="table",
            help=t("cli.help.format"),
        )


def _selection(parser: argparse.ArgumentParser, t: Catalogue) -> None:
    # Every selector may be repeated, and every one counts: keeping only the last
    # ``--device`` (argparse's default) acted on fewer devices than the command line named.
    chosen = parser.add_argument_group(t("cli.group.selection"))
    chosen.add_argument("--group", action="append", metavar="G", help=t("cli.help.group"))
    chosen.add_argument("--subgroups", action="store_true", help=t("cli.help.subgroups"))
    chosen.add_argument(
        "--device", action="extend", nargs="+", metavar="ID", help=t("cli.help.device")
    )
    chosen.add_argument("--from-csv", action="append", metavar="FILE", help=t("cli.help.from_csv"))
    chosen.add_argument("--column", action="append", metavar="NAME", help=t("cli.help.column"))


def _acting(parser: argparse.ArgumentParser, t: Catalogue) -> None:
    # From the domain, not the command: building the parser must not import the API client
    # (``mobitui demo`` starts its server before anything heavy is imported).
    from mobitui.domain.rules import ACKNOWLEDGEABLE

    _connection(parser, t)
    _selection(parser, t)
    safety = parser.add_argument_group(t("cli.group.safety"))
    safety.add_argument("--dry-run", action="store_true", help=t("cli.help.dry_run"))
    safety.add_argument("--agree", action="store_true", help=t("cli.help.agree"))
    safety.add_argument(
        "--acknowledge",
        action="append",
        choices=ACKNOWLEDGEABLE,
        metavar="WARNING",
        help=t("cli.help.acknowledge", choices=", ".join(ACKNOWLEDGEABLE)),
    )


def _headless(commands: argparse._SubParsersAction, t: Catalogue) -> None:
    sub_metavar = t("cli.metavar.subcommand")
    logout = _command(commands, "logout", t, t("cli.help.logout"))
    _connection(logout, t, formats=False)

    groups = _command(commands, "groups", t, t("cli.help.groups"))
    _connection(groups, t)

    devices = _command(commands, "devices", t, t("cli.help.devices"))
    _connection(devices, t)
    devices.add_argument("--group", action="append", metavar="G", help=t("cli.help.group"))
    devices.add_argument("--subgroups", action="store_true", help=t("cli.help.devices_subgroups"))
    devices.add_argument(
        "--state", choices=("active", "inactivation_pending", "inactive"), help=t("cli.help.state")
    )
    devices.add_argument("--query", help=t("cli.help.query"))

    requests = _command(commands, "requests", t, t("cli.help.requests"))
    _connection(requests, t)
    requests.add_argument(
        "--status",
        choices=("scheduled", "in_progress", "completed", "cancelled"),
        help=t("cli.help.status"),
    )
    sub = requests.add_subparsers(dest="requests_command", metavar=sub_metavar)
    cancel = _command(sub, "cancel", t, t("cli.help.cancel"))
    _connection(cancel, t)
    cancel.add_argument("request_id", metavar="ID", help=t("cli.help.request_id"))
    cancel.add_argument("--agree", action="store_true", help=t("cli.help.no_confirm"))

    inactivate = _command(commands, "inactivate", t, t("cli.help.inactivate"))
    _acting(inactivate, t)
    inactivate.add_argument(
        "--remove-apple-mdm-profile",
        action="store_true",
        help=t("cli.help.remove_apple_mdm_profile"),
    )
    inactivate.add_argument("--schedule", metavar="DATETIME", help=t("cli.help.schedule"))

    force = _command(commands, "force-inactivate", t, t("cli.help.force_inactivate"))
    _acting(force, t)
    force.add_argument("--delete-after", action="store_true", help=t("cli.help.delete_after"))

    delete = _command(commands, "delete", t, t("cli.help.delete"))
    _acting(delete, t)

    resume = _command(commands, "resume", t, t("cli.help.resume"))
    _connection(resume, t)
    resume.add_argument("--operation", metavar="ID", help=t("cli.help.operation"))
    resume.add_argument("--agree", action="store_true", help=t("cli.help.no_confirm"))
    resume.add_argument("--abandon", action="store_true", help=t("cli.help.abandon"))

    checklist = _command(commands, "checklist", t, t("cli.help.checklist"))
    steps = checklist.add_subparsers(dest="checklist_command", metavar=sub_metavar, required=True)
    export = _command(steps, "export", t, t("cli.help.export"))
    _connection(export, t, formats=False, lang=False)
    _selection(export, t)
    export.add_argument(
        "--lang",
        dest="sheet_langs",
        action="append",
        choices=("ja", "en"),
        help=t("cli.help.sheet_lang"),
    )
    export.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("md", "txt"),
        help=t("cli.help.sheet_format"),
    )
    export.add_argument("--out", required=True, metavar="DIR", help=t("cli.help.out_dir"))

    retirement = _command(commands, "retirement", t, t("cli.help.retirement"))
    kept = retirement.add_subparsers(dest="retirement_command", metavar=sub_metavar, required=True)
    listed = _command(kept, "list", t, t("cli.help.retirement_list"))
    _connection(listed, t)
    shown = _command(kept, "show", t, t("cli.help.retirement_show"))
    _connection(shown, t)
    shown.add_argument("retirement_id", metavar="ID", help=t("cli.help.retirement_id"))
    renamed = _command(kept, "rename", t, t("cli.help.retirement_rename"))
    _connection(renamed, t, formats=False)
    renamed.add_argument("retirement_id", metavar="ID", help=t("cli.help.retirement_id"))
    renamed.add_argument("name", metavar="NAME", help=t("cli.help.new_name"))
    report = _command(kept, "report", t, t("cli.help.retirement_report"))
    _connection(report, t, formats=False)
    report.add_argument("retirement_id", metavar="ID", help=t("cli.help.retirement_id"))
    report.add_argument(
        "--format",
        dest="report_format",
        choices=("csv", "markdown"),
        default="markdown",
        help=t("cli.help.report_format"),
    )
    report.add_argument("--out", metavar="FILE", help=t("cli.help.out_file"))
    report.add_argument("--force", action="store_true", help=t("cli.help.force"))
    report.add_argument(
        "--audit-from-server", action="store_true", help=t("cli.help.audit_from_server")
    )

    profile = _command(commands, "profile", t, t("cli.help.profile_cmd"))
    about = profile.add_subparsers(dest="profile_command", metavar=sub_metavar, required=True)
    listed = _command(about, "list", t, t("cli.help.profile_list"))
    shown = _command(about, "show", t, t("cli.help.profile_show"))
    for sub_parser in (listed, shown):
        sub_parser.add_argument(
            "--profile", default=argparse.SUPPRESS, help=t("cli.help.cmd_profile")
        )
        sub_parser.add_argument(
            "--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help=t("cli.help.lang")
        )
        sub_parser.add_argument(
            "--format",
            choices=("table", "json", "csv"),
            default="table",
            help=t("cli.help.format"),
        )
    shown.add_argument("profile_name", metavar="NAME", nargs="?", help=t("cli.help.profile_name"))

    auth = _command(commands, "auth", t, t("cli.help.auth"))
    login = auth.add_subparsers(dest="auth_command", metavar=sub_metavar, required=True)
    status = _command(login, "status", t, t("cli.help.auth_status"))
    _connection(status, t)
    status.add_argument("--check", action="store_true", help=t("cli.help.check"))

    completion = _command(commands, "completion", t, t("cli.help.completion"))
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help=t("cli.help.shell"))


def _tui_options(parser: argparse.ArgumentParser, t: Catalogue) -> None:
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help=t("cli.help.lang"))
    parser.add_argument("--read-only", action="store_true", help=t("cli.help.tui_read_only"))
    _debug_option(parser, t)


def _debug_option(parser: argparse.ArgumentParser, t: Catalogue) -> None:
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
        print(f"mobitui: {_config_text(args, exc)}", file=sys.stderr)
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


def _config_text(args: argparse.Namespace, error: ConfigError) -> str:
    """A settings or file problem in the run's language (``--lang``, else the locale's)."""
    from mobitui.i18n import Catalogue
    from mobitui.present.errors import problem_text

    return problem_text(Catalogue(_lang(args)), error)


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
        print(f"mobitui demo: {_config_text(args, exc)}", file=sys.stderr)
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
        print(f"mobitui: {_config_text(args, exc)}", file=sys.stderr)
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
        from mobitui.i18n import Catalogue
        from mobitui.present.errors import problem_text

        print(f"mobitui serve: {problem_text(Catalogue(_lang(args)), exc)}", file=sys.stderr)
        return ExitCode.USAGE
    return ExitCode.OK


def _hash_password(t: Catalogue) -> int:
    from mobitui.sim.accounts import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass(t("cli.password.prompt_plain"))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print(f"mobitui hash-password: {t('cli.password.empty')}", file=sys.stderr)
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
        "profile",
        "auth",
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
        case "profile":
            from mobitui.commands import profiles

            if args.profile_command == "list":
                return profiles.profile_list(args)
            return profiles.profile_show(args)
        case "auth":
            from mobitui.commands import profiles

            return run(args, profiles.auth_status)
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


def _completion(parser: argparse.ArgumentParser, shell: str) -> int:
    """``mobitui completion bash|zsh|fish``: the completion script, generated from this very
    parser by shtab (static: completing never runs mobitui)."""
    import shtab

    sys.stdout.write(shtab.complete(parser, shell=shell))
    return ExitCode.OK


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

        lang: Lang = "en"
        with contextlib.suppress(Exception):  # the last resort must not fail on its words
            lang = argv_lang(sys.argv[1:] if argv is None else list(argv))
        return crash_reports.report(exc, lang=lang)


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
    lang = argv_lang(words)
    from mobitui.i18n import Catalogue

    t = Catalogue(lang)
    undecodable = next((i for i, w in enumerate(words, 1) if not _is_text(w)), None)
    if undecodable is not None:
        # Python hands bytes that are not UTF-8 over as lone surrogates: no terminal, URL,
        # JSON body or file name this program writes can hold them.
        shown = words[undecodable - 1].encode("utf-8", "surrogateescape")
        print(
            f"mobitui: {t('cli.not_utf8_argument', index=undecodable, shown=repr(shown))}",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    parser = build_parser(lang)
    with argparse_words(lang):  # --help and the usage errors, in the language chosen
        args = parser.parse_args(words)
    if args.command == "completion":
        return _completion(parser, args.shell)
    if (refused := _start_log(args)) is not None:
        return refused
    headless = _run_headless(args)
    if headless is not None:
        return headless
    match args.command:
        case "serve":
            return _serve(args)
        case "hash-password":
            return _hash_password(t)
        case "demo":
            return _demo(args)
        case _:
            return _tui(args)
