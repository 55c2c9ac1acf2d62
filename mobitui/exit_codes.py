"""The exit status of every mobitui command, the TUI included: defined here and nowhere else.

Scripts branch on these numbers (the README's table lists them), so a command never invents
its own: it returns one of :class:`ExitCode`. Only the standard library is imported, so the
last-resort crash handler (:mod:`mobitui.local.crash_reports`) can use it whatever else failed
to import.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a script learns from the exit status; an ``int`` wherever one is expected."""

    #: Everything asked for was done (devices already in the wanted state count as done).
    OK = 0
    #: Part of it was not done or its outcome is unknown: devices refused, left out or without
    #: an outcome, results that could not be written, a listing that was not whole.
    #: ``mobitui resume`` asks again where something was sent.
    PARTIAL = 1
    #: A usage error or a refusal before anything was sent: a bad option, no agreement, a
    #: warning not acknowledged, read-only, an unreadable file or state directory.
    USAGE = 2
    #: Authentication: a wrong password, no password and no terminal to ask it on, or an
    #: operator account asked to change devices.
    AUTH = 3
    #: The server could not be reached (a run cut off this way: ``mobitui resume``).
    UNREACHABLE = 4
    #: The server's answer broke the protocol (a bulk answer naming devices that were not
    #: sent, or one twice; an answer about another request): nothing more was sent.
    PROTOCOL = 5
    #: An unexpected exception: one line names the crash file (sysexits.h ``EX_SOFTWARE``).
    INTERNAL = 70
    #: Interrupted by Ctrl-C (128 + SIGINT, as shells report it); ``mobitui resume`` finishes
    #: what was started.
    INTERRUPTED = 130
