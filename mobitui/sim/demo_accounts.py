"""The reference server's demo accounts and their passwords, which are public (README).

Kept apart from :mod:`mobitui.sim.accounts` (hashing, accounts files) so that ``mobitui demo``
can name them and log in with them without importing the server: the CLI builds its parser on
every start, and the TUI's tests and the benchmarks log in with the same passwords.
"""

from __future__ import annotations

DEMO_PASSWORDS: dict[str, str] = {
    "admin": "demo-admin-pass",
    "operator": "demo-operator-pass",
    "branch-admin": "demo-branch-pass",
}
