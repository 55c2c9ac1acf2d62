"""How one reference server is set up: one frozen value handed to ``create_app`` and ``run``.

Keeping every knob in a single dataclass means the CLI, the tests and the benchmarks start
servers the same way and a test can change exactly one thing (``make_server(speed=60)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Largest request body the server reads; bigger ones answer 413 ``body_too_large``.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything a reference server needs to know before it starts."""

    db_path: Path
    fleet: int = 5000
    seed: int = 1
    #: Simulated seconds per real second.
    speed: float = 1.0
    #: TOML file of accounts replacing the demo accounts; ``None`` keeps the demo accounts.
    accounts_file: Path | None = None
    #: Serve ``/api/v1/sim/...`` (clock, behaviours, audit). Off: those paths answer 404.
    sim_controls: bool = False
    max_bulk: int = 1000
    max_page: int = 1000
    #: Requests per second per token (token bucket, burst = twice the rate); ``None``: off.
    rate_limit: float | None = 100.0
    token_ttl_seconds: int = 8 * 3600
    #: Simulated epoch seconds at which a new database is seeded (``None``: now). With
    #: ``speed=0`` it makes every time the server shows reproducible (snapshot tests).
    start_at: float | None = None
    login_failures_before_slowdown: int = 5
    #: Seed hostile names into a new database (``--hostile``): see ``mobitui.sim.hostile``.
    hostile: bool = False

    def __post_init__(self) -> None:
        # Accept plain strings from a CLI; refuse values that would only fail later.
        object.__setattr__(self, "db_path", Path(self.db_path))
        if self.accounts_file is not None:
            object.__setattr__(self, "accounts_file", Path(self.accounts_file))
        if self.fleet < 0:
            raise ValueError("fleet must not be negative")
        if self.speed < 0:
            raise ValueError("speed must not be negative")
        if self.max_bulk < 1 or self.max_page < 1:
            raise ValueError("max_bulk and max_page must be at least 1")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("rate_limit must be positive (or None for no limit)")
        if self.token_ttl_seconds < 1:
            raise ValueError("token_ttl_seconds must be positive")

    @property
    def uses_demo_accounts(self) -> bool:
        return self.accounts_file is None
