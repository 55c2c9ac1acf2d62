"""A cached token goes only to the server that issued it: never to a new ``base_url``.

The admin's profile pointed at one server, then at another (a new gateway, a typo fixed, an
attacker's edit of the profile). Before the fix the token was cached per profile and account
only, and the next command sent it as it was to the new host. Each test caches a real token
from a real server, points the profile at a hostile gateway in front of a second real server,
and reads the gateway's wire record: the old token must never appear in an ``Authorization``
header there.
"""

from __future__ import annotations

import io
import sys

import pytest

from mobitui.cli import main
from mobitui.local import profiles, tokens

PASSWORD = "demo-admin-pass"


@pytest.fixture
def first(make_server):
    return make_server(fleet=20, seed=1)


@pytest.fixture
def second(make_server):
    return make_server(fleet=20, seed=2)


def use_profile(base_url: str) -> None:
    profile = profiles.Profile("lab", base_url, "admin")
    profiles.save_profiles(profiles.Profiles({"lab": profile}, default="lab"))


def run(monkeypatch, capsys, *argv: str, stdin: str = PASSWORD + "\n") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    return code, capsys.readouterr().err


def cached_token_of(first, monkeypatch, capsys) -> str:
    use_profile(first.base_url)
    code, err = run(monkeypatch, capsys, "groups", "--profile", "lab", "--password-stdin")
    assert code == 0, err
    cached = tokens.load_token("lab", "admin", server=first.base_url)
    assert cached is not None
    return cached.token


def bearers(gateway) -> set[str]:
    return {s.authorization for s in gateway.gateway.wire if s.authorization}


def test_a_new_base_url_never_gets_the_old_token(
    first, second, make_gateway, monkeypatch, capsys
) -> None:
    token = cached_token_of(first, monkeypatch, capsys)
    gateway = make_gateway(second)
    use_profile(gateway.base_url)
    code, err = run(monkeypatch, capsys, "groups", "--profile", "lab", "--password-stdin")
    assert code == 0, err
    assert f"Bearer {token}" not in bearers(gateway)
    assert any(s.path.endswith("/auth/login") for s in gateway.gateway.wire)  # asked anew
    # Each origin keeps its own token: back on the first server, no password is needed.
    use_profile(first.base_url)
    code, err = run(monkeypatch, capsys, "groups", "--profile", "lab", stdin="")
    assert code == 0, err


def test_logout_after_a_new_base_url_sends_the_old_token_nowhere(
    first, second, make_gateway, monkeypatch, capsys
) -> None:
    token = cached_token_of(first, monkeypatch, capsys)
    gateway = make_gateway(second)
    use_profile(gateway.base_url)
    code, err = run(monkeypatch, capsys, "logout", "--profile", "lab", stdin="")
    assert code == 0, err
    assert f"Bearer {token}" not in bearers(gateway)
    assert gateway.gateway.wire == []  # no token of this origin: nothing to revoke there


def test_the_same_origin_written_differently_keeps_its_token(first) -> None:
    from datetime import UTC, datetime, timedelta

    soon = datetime.now(UTC) + timedelta(hours=1)
    tokens.save_token("lab", "admin", "tok-1", soon, server=first.base_url)
    again = first.base_url.upper().replace("HTTP://", "http://") + "/"
    cached = tokens.load_token("lab", "admin", server=again)
    assert cached is not None and cached.token == "tok-1"
    assert cached.origin == tokens.origin_of(first.base_url)
