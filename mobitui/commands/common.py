"""What every headless command shares: its settings, the password, the login, exit codes.

The password comes from the cached token (reading needs no password then), the terminal
(masked, asked once per run), or ``--password-stdin``; never from an argument, which would
land in the shell history and the process list. Results go to stdout, progress and questions
to stderr, and every failure ends as one clear line (the server's errors in the words the TUI
uses, in the language of ``--lang``, the profile or the locale) and a documented exit code
(:class:`mobitui.exit_codes.ExitCode`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Any, TextIO

from mobitui.api import session
from mobitui.api.client import MobiClient
from mobitui.api.errors import (
    ApiError,
    BulkIncomplete,
    InvalidCredentials,
    InvalidPassword,
    ProtocolError,
    Unauthenticated,
    Unreachable,
)
from mobitui.api.runner import Overlap
from mobitui.domain.csv_select import CsvProblem
from mobitui.domain.said import Said
from mobitui.domain.selection import Stray, StrayReason
from mobitui.domain.text import visible
from mobitui.exit_codes import ExitCode
from mobitui.i18n import Catalogue, Lang, choose_lang
from mobitui.local import profiles
from mobitui.local.journal import JournalError
from mobitui.local.paths import ConfigError
from mobitui.local.profiles import ConnectionSettings
from mobitui.present.errors import error_text, problem_text

#: A headless command: the parsed arguments and the settings resolved from them.
Command = Callable[[argparse.Namespace, ConnectionSettings], Coroutine[Any, Any, int]]


class CommandError(Said):
    """Ends a command with ``message`` on stderr and ``code``; one made by :meth:`said` is
    said in the run's language (its catalogue key), ``message`` being its English."""

    def __init__(
        self,
        code: ExitCode,
        message: str,
        *,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, key=key, values=values)
        self.code = code
        self.message = message

    @classmethod
    def said(cls, code: ExitCode, key: str, **values: object) -> CommandError:
        """The refusal of catalogue message ``key`` (with its ``values``)."""
        return cls(code, Catalogue("en")(key, **values), key=key, values=values)

    def text(self, t: Catalogue) -> str:
        """The message in ``t``'s language (a plain message as it was written)."""
        return self.message if self.key is None else problem_text(t, self)


def resolve(args: argparse.Namespace) -> ConnectionSettings:
    """``--server URL --account NAME`` for a one-off, else the (default) profile, as the TUI
    resolves it (:func:`mobitui.local.profiles.resolve_settings`)."""
    try:
        return profiles.resolve_settings(
            getattr(args, "profile", None),
            server=getattr(args, "server", None),
            account=getattr(args, "account", None),
            lang=getattr(args, "lang", None),
            read_only=bool(getattr(args, "read_only", False)),
        )
    except ConfigError as exc:
        raise CommandError(ExitCode.USAGE, str(exc), key=exc.key, values=exc.values) from None


def refuse_read_only(settings: ConnectionSettings, what: str) -> None:
    """Read-only mode ends a destructive command here, before any request leaves (the login
    included): a flag or a profile setting must not depend on what a server answers."""
    if settings.read_only:
        raise CommandError.said(ExitCode.USAGE, "cli.read_only", what=what)


class Secret:
    """The account password, asked at most once per run and kept only in memory."""

    def __init__(self, from_stdin: bool, stdin: TextIO | None = None, lang: Lang = "en") -> None:
        self.from_stdin = from_stdin
        self._stdin = stdin or sys.stdin
        self._t = Catalogue(lang)
        self._value: str | None = None

    def get(self, account: str) -> str:
        if self._value is None:
            if self.from_stdin:
                value = self._stdin.readline().rstrip("\r\n")
            elif self._stdin.isatty() and sys.stderr.isatty():
                prompt = self._t("cli.password.prompt", account=visible(account))
                value = getpass.getpass(prompt, stream=sys.stderr)
            else:
                raise CommandError.said(ExitCode.AUTH, "cli.password.no_terminal")
            if not value:
                raise CommandError.said(ExitCode.AUTH, "cli.password.empty")
            self._value = value
        return self._value


def client_for(settings: ConnectionSettings) -> MobiClient:
    """A client of the settings' server; an address that is not an http(s) URL (a typo in
    ``--server``) is a usage error in one line, not an internal error."""
    try:
        return MobiClient(
            settings.base_url,
            ca_bundle=settings.ca_bundle,
            proxy=settings.proxy,
            trust=settings.trust,
        )
    except ValueError:  # the one the admin can cause: the server's address
        shown = visible(repr(settings.base_url))
        raise CommandError.said(ExitCode.USAGE, "problem.base_url", url=shown) from None


async def connect(settings: ConnectionSettings, secret: Secret) -> MobiClient:
    """A client with a working session (:func:`mobitui.api.session.sign_in`): the cached
    token if the server still accepts it, else a login with ``secret``'s password, once."""
    client = client_for(settings)
    try:
        password = session.once(lambda: secret.get(settings.account))
        await session.sign_in(client, settings, password)
        return client
    except BaseException:
        await client.aclose()
        raise


def require_admin(client: MobiClient) -> None:
    """Operators read; a destructive call from one never leaves this machine."""
    account = client.account
    if account is not None and not account.may_destroy:
        raise CommandError.said(ExitCode.AUTH, "cli.operator", name=visible(account.name))


def ask(question: str, stdin: TextIO | None = None) -> bool:
    """A yes/no question on the terminal (stderr); without one, the answer is no."""
    stream = stdin or sys.stdin
    if not (stream.isatty() and sys.stderr.isatty()):
        return False
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return stream.readline().strip().lower() in ("y", "yes", "はい")


def say(text: str) -> None:
    """Progress and notes for the person at the terminal: stderr, never mixed with results.

    Advisory: a stderr that is closed (``2>&1 | head`` that ended) or cannot be written must
    not stop a destructive run halfway; the journal and the results on stdout are the record.
    """
    with advisory():
        print(text, file=sys.stderr, flush=True)


@contextlib.contextmanager
def advisory() -> Iterator[None]:
    """Write to stderr, or nothing if it is gone: its later writes go to ``/dev/null`` (so
    neither this run nor the interpreter's exit trips over the closed pipe again)."""
    try:
        yield
    except UnicodeError:
        pass  # one line the terminal cannot show (main() makes this rare): only it is lost
    except (OSError, ValueError):  # BrokenPipeError, EIO of a hung-up terminal, closed file
        silence(sys.stderr)


def silence(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at ``/dev/null``, when it has one."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation: an in-memory stream
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def stray_text(t: Catalogue, stray: Stray) -> str:
    """``id name (serial): why`` in ``t``'s language, made visible (all of it is server text)."""
    device = stray.device
    reason = stray.reason
    if reason is StrayReason.OUTSIDE_GROUP:
        why = t("cli.stray.outside_group", group=device.group_id)
    elif reason is StrayReason.OUTSIDE_SCOPE:
        why = t("cli.stray.outside_scope", group=device.group_id)
    elif reason is StrayReason.NOT_ASKED:
        why = t("cli.stray.not_asked", expected=stray.expected)
    elif reason is StrayReason.CHANGED_IDENTITY:
        why = (
            t("cli.stray.changed_serial", expected=stray.expected)
            if stray.expected
            else t("cli.stray.had_no_serial")
        )
    elif reason is StrayReason.CHANGED_NAME:
        why = t("cli.stray.changed_name", name=repr(stray.expected))
    else:
        why = t("cli.stray.unverified")
    return visible(f"{device.id} {device.name} ({device.serial}): {why}")


def run(args: argparse.Namespace, command: Command, *, destructive: bool = False) -> int:
    """Resolve the settings and run one command; every failure becomes one line on stderr
    and its exit code. The server's errors are said as the TUI says them
    (:func:`mobitui.present.errors.error_text`), in the run's language.

    ``destructive``: the command may have acted on devices. Its output cut off (``| head``
    that ended, a closed stdout) is then exit 1, never 0: a script must not take a run whose
    results it never saw for a finished one (the journal knows what is open; ``mobitui
    resume`` finishes it). A reading command cut off ends quietly with 0, as Unix tools do.
    """
    # Until the settings are resolved (a missing profile), the flag's or the locale's language.
    t = Catalogue(choose_lang(getattr(args, "lang", None), None, os.environ))
    try:
        settings = resolve(args)
        t = Catalogue(settings.lang)
        return asyncio.run(command(args, settings))
    except CommandError as exc:
        say(f"mobitui: {exc.text(t)}")
        return exc.code
    except (InvalidCredentials, Unauthenticated, InvalidPassword) as exc:
        say(f"mobitui: {error_text(t, exc)}")
        return ExitCode.AUTH
    except BulkIncomplete as exc:
        say(f"mobitui: {error_text(t, exc)}")
        if isinstance(exc.cause, ProtocolError):
            say(f"mobitui: {t('cli.protocol_open')}")
            return ExitCode.PROTOCOL
        say(f"mobitui: {t('cli.resume_hint')}")
        return ExitCode.UNREACHABLE if isinstance(exc.cause, Unreachable) else ExitCode.PARTIAL
    except ProtocolError as exc:
        say(f"mobitui: {error_text(t, exc)}")
        return ExitCode.PROTOCOL
    except Unreachable as exc:
        say(f"mobitui: {error_text(t, exc)}")
        return ExitCode.UNREACHABLE
    except ApiError as exc:
        say(f"mobitui: {error_text(t, exc)}")
        return ExitCode.PARTIAL
    except Overlap as exc:  # nothing was written or sent: resume or abandon that one first
        say(f"mobitui: {error_text(t, exc)}")
        return ExitCode.USAGE
    except ConfigError as exc:
        say(f"mobitui: {problem_text(t, exc)}")
        return ExitCode.USAGE
    except (JournalError, CsvProblem) as exc:
        say(f"mobitui: {problem_text(t, exc)}")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        say(f"mobitui: {t('cli.interrupted')}")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away; nothing more can reach it.
        silence(sys.stdout)
        if not destructive:
            return ExitCode.OK  # `mobitui devices | head`: stop quietly
        say(f"mobitui: {t('cli.output_closed')}")
        return ExitCode.PARTIAL
