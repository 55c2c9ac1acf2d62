"""How the TUI was started: the shared connection settings plus what only the TUI has.

The server, account, language, read-only flag and every profile setting are
:class:`~mobitui.local.profiles.ConnectionSettings`, resolved as for the headless commands;
:class:`Launch` adds the demo's password, whether the fleet is cached, and the poll period.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Self

from mobitui.local.profiles import ConnectionSettings


@dataclass(frozen=True, slots=True)
class Launch(ConnectionSettings):
    """The settings of this run of the TUI (the profile "demo" unless one is named)."""

    profile: str = "demo"
    #: Demo only: the public demo password, used to log in without asking.
    demo_password: str | None = None
    #: Keep the fleet in the cache dir (0600) so the next launch starts warm; off for a demo
    #: on a fresh database (its snapshot could never be used again).
    cache_fleet: bool = True
    #: Seconds between two polls of the change feed (counted from the end of the last one).
    poll_seconds: float = 5.0

    @classmethod
    def of(cls, settings: ConnectionSettings, **own: Any) -> Self:
        """``settings`` (resolved like a headless command's) with the TUI's own ``own``."""
        shared = {f.name: getattr(settings, f.name) for f in fields(ConnectionSettings)}
        return cls(**shared, **own)
