"""What every headless command shares: which server and account, the password, exit codes.

The password comes from the cached token (reading needs no password then), the terminal
(masked, asked once per run), or ``--password-stdin``; never from an argument, which would
land in the shell history and the process list. Results go to stdout, progress and questions
to stderr, and every failure ends as one clear line and a documented exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

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
from mobitui.domain.selection import Stray, StrayReason
from mobitui.domain.text import visible
from mobitui.i18n import Catalogue, choose_lang
from mobitui.local import profiles, tokens
from mobitui.local.journal import JournalError
from mobitui.local.paths import ConfigError

#: Exit codes (README): all done; some devices refused or not done; usage; authentication;
#: server unreachable; the server's answer broke the protocol (a bulk answer naming devices
#: that were not sent, or one twice: nothing more was sent, the run stays open).
EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNREACHABLE = 4
EXIT_PROTOCOL = 5


class CommandError(Exception):
    """Ends a command with ``message`` on stderr and ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Target:
    """Which server and account a command talks to, and the settings that go with them."""

    base_url: str
    account: str
    #: The profile's name (the token cache and the journal are per profile); "-" for one-offs.
    profile: str
    ca_bundle: str | None = None
    proxy: str | None = None
    lang: str | None = None
    confirm_above: int = 100
    #: ``--read-only`` or the profile's ``read_only``: nothing destructive may be sent.
    read_only: bool = False

    @property
    def caches_token(self) -> bool:
        return self.profile != "-"


def resolve_target(args: argparse.Namespace) -> Target:
    """``--server URL --account NAME`` for a one-off, else the (default) profile."""
    server, account = getattr(args, "server", None), getattr(args, "account", None)
    if server or account:
        if not (server and account):
            raise CommandError(EXIT_USAGE, "--server and --account go together")
        return Target(
            base_url=server, account=account, profile="-", read_only=_read_only_flag(args)
        )
    try:
        configured = profiles.load_profiles()
    except ConfigError as exc:
        raise CommandError(EXIT_USAGE, str(exc)) from None
    profile = configured.get(args.profile)
    if profile is None:
        known = ", ".join(sorted(configured.profiles)) or "none; run mobitui once to create one"
        wanted = args.profile or "the default profile"
        raise CommandError(EXIT_USAGE, f"no profile {wanted!r} (known: {known})")
    return Target(
        base_url=profile.base_url,
        account=profile.account,
        profile=profile.name,
        ca_bundle=profile.ca_bundle,
        proxy=profile.proxy,
        lang=profile.lang,
        confirm_above=100 if profile.confirm_above is None else profile.confirm_above,
        read_only=_read_only_flag(args) or bool(profile.read_only),
    )


def _read_only_flag(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "read_only", False))


def refuse_read_only(target: Target, what: str) -> None:
    """Read-only mode ends a destructive command here, before any request leaves (the login
    included): a flag or a profile setting must not depend on what a server answers."""
    if target.read_only:
        raise CommandError(
            EXIT_USAGE,
            f"read-only (--read-only or the profile's read_only): {what}; nothing was sent",
        )


def catalogue(args: argparse.Namespace, target: Target | None = None) -> Catalogue:
    lang = choose_lang(getattr(args, "lang", None), target.lang if target else None, os.environ)
    return Catalogue(lang)


class Secret:
    """The account password, asked at most once per run and kept only in memory."""

    def __init__(self, from_stdin: bool, stdin: TextIO | None = None) -> None:
        self.from_stdin = from_stdin
        self._stdin = stdin or sys.stdin
        self._value: str | None = None

    def get(self, account: str) -> str:
        if self._value is None:
            if self.from_stdin:
                value = self._stdin.readline().rstrip("\r\n")
            elif self._stdin.isatty() and sys.stderr.isatty():
                value = getpass.getpass(f"Password for {account}: ", stream=sys.stderr)
            else:
                raise CommandError(
                    EXIT_AUTH,
                    "a password is needed and there is no terminal to ask it on: "
                    "pass it with --password-stdin",
                )
            if not value:
                raise CommandError(EXIT_AUTH, "empty password")
            self._value = value
        return self._value


def client_for(target: Target) -> MobiClient:
    """A client of ``target``'s server; an address that is not an http(s) URL (a typo in
    ``--server``) is a usage error in one line, not an internal error."""
    try:
        return MobiClient(target.base_url, ca_bundle=target.ca_bundle, proxy=target.proxy)
    except ValueError as exc:
        raise CommandError(EXIT_USAGE, visible(str(exc))) from None


async def connect(target: Target, secret: Secret) -> MobiClient:
    """A client with a working session: the cached token if still good, else a login."""
    client = client_for(target)
    try:
        if target.caches_token:
            # Only a token this server's origin issued (base_url may have changed since).
            cached = tokens.load_token(target.profile, target.account, server=target.base_url)
            if cached is not None:
                client.use_token(cached.token)
                try:
                    await client.me()
                    return client
                except Unauthenticated:
                    tokens.forget_token(target.profile, target.account, server=target.base_url)
        session = await client.login(target.account, secret.get(target.account))
        if target.caches_token:
            tokens.save_token(
                target.profile,
                target.account,
                session.token,
                session.expires_at,
                server=target.base_url,
            )
        return client
    except BaseException:
        await client.aclose()
        raise


def require_admin(client: MobiClient) -> None:
    """Operators read; a destructive call from one never leaves this machine."""
    account = client.account
    if account is not None and not account.may_destroy:
        raise CommandError(
            EXIT_AUTH, f"{account.name} is an operator: it may not change devices; nothing was sent"
        )


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


def stray_text(stray: Stray) -> str:
    """``id name (serial): why``, made visible (all of it is server text)."""
    device = stray.device
    why = {
        StrayReason.OUTSIDE_GROUP: f"in group {device.group_id}, outside the chosen groups",
        StrayReason.OUTSIDE_SCOPE: f"in group {device.group_id}, outside this account's scope",
        StrayReason.NOT_ASKED: f"the server answered with it for {stray.expected}",
        StrayReason.CHANGED_IDENTITY: (
            f"its serial was {stray.expected} when the run was planned"
            if stray.expected
            else "it had no serial number when the run was planned"
        ),
        StrayReason.CHANGED_NAME: f"its name was {stray.expected!r} when the run was planned",
        StrayReason.UNVERIFIED: "the plan recorded neither its serial nor its name",
    }[stray.reason]
    return visible(f"{device.id} {device.name} ({device.serial}): {why}")


def run(command: Callable[[], Awaitable[int]], *, destructive: bool = False) -> int:
    """Run one command; every failure becomes one line on stderr and its exit code.

    ``destructive``: the command may have acted on devices. Its output cut off (``| head``
    that ended, a closed stdout) is then exit 1, never 0: a script must not take a run whose
    results it never saw for a finished one (the journal knows what is open; ``mobitui
    resume`` finishes it). A reading command cut off ends quietly with 0, as Unix tools do.
    """
    try:
        return asyncio.run(command())
    except CommandError as exc:
        say(f"mobitui: {exc.message}")
        return exc.code
    except (InvalidCredentials, Unauthenticated, InvalidPassword) as exc:
        say(f"mobitui: {exc.message}")
        return EXIT_AUTH
    except BulkIncomplete as exc:
        say(f"mobitui: {exc.message}")
        if isinstance(exc.cause, ProtocolError):
            say(
                "mobitui: nothing more was sent and nothing of that answer is trusted; the "
                "operation stays open: once the server (or its gateway) is fixed, "
                "`mobitui resume` finishes it"
            )
            return EXIT_PROTOCOL
        say("mobitui: nothing is lost: `mobitui resume` finishes it")
        return EXIT_UNREACHABLE if isinstance(exc.cause, Unreachable) else EXIT_PARTIAL
    except ProtocolError as exc:
        say(f"mobitui: {exc.message}")
        return EXIT_PROTOCOL
    except Unreachable as exc:
        say(f"mobitui: {exc.message}")
        return EXIT_UNREACHABLE
    except ApiError as exc:
        say(f"mobitui: {exc.message}")
        return EXIT_PARTIAL
    except Overlap as exc:  # nothing was written or sent: resume or abandon that one first
        say(f"mobitui: {exc}")
        return EXIT_USAGE
    except (ConfigError, JournalError, CsvProblem) as exc:
        say(f"mobitui: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        say("mobitui: interrupted; `mobitui resume` finishes what was started")
        return 130
    except BrokenPipeError:
        # The reader of stdout went away; nothing more can reach it.
        silence(sys.stdout)
        if not destructive:
            return EXIT_OK  # `mobitui devices | head`: stop quietly
        say(
            "mobitui: the output was closed before every result was written; what the "
            "server was sent is in the journal: `mobitui resume` finishes anything still open"
        )
        return EXIT_PARTIAL
