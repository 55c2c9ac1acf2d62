"""The one way the tests and the benchmarks build an app for a server (Posting's
``make_app``): beside :mod:`mobitui.tui.app`, not in it or in :mod:`mobitui.tui.launch`, which
the app imports (no module of the TUI imports one that imports it back)."""

from __future__ import annotations

from typing import Any

from mobitui.tui.app import MobiApp
from mobitui.tui.launch import Launch


def make_app(server_url: str, password: str, /, **launch: Any) -> MobiApp:
    """An app that logs in to ``server_url`` as ``admin`` with ``password`` (the demo's way),
    keeps no token and polls only when told to: what the tests and the benchmarks drive.
    ``launch`` overrides any :class:`~mobitui.tui.launch.Launch` field (another account, a
    language, a profile, even the server)."""
    options: dict[str, Any] = {
        "base_url": server_url,
        "account": "admin",
        "demo_password": password,
        "cache_token": False,
        "poll_seconds": 3600.0,  # tests and benchmarks refresh themselves
    }
    options.update(launch)
    return MobiApp(Launch(**options))
