"""One settings type, one login flow, one table of exit codes, for the TUI and the CLI alike.

``resolve_settings`` is what both mean by a profile name, a default and a one-off;
``session.sign_in`` is the cached-token-else-login flow both use (here against a fake client,
so each branch is seen: a token still good, one refused, a login retried, one given up).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from mobitui.api import session
from mobitui.api.client import MobiClient
from mobitui.api.errors import ApiError, InvalidCredentials, Unauthenticated
from mobitui.domain.models import Account, Role
from mobitui.domain.rules import DEFAULT_STALL
from mobitui.exit_codes import ExitCode
from mobitui.local import tokens
from mobitui.local.paths import ConfigError
from mobitui.local.profiles import (
    ONE_OFF,
    ConnectionSettings,
    Profile,
    Profiles,
    resolve_settings,
)
from mobitui.tui.launch import Launch

LAB = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(tmp_path / "state"))


def test_the_exit_codes_are_the_readme_s() -> None:
    table = {c.name: int(c) for c in ExitCode}
    assert table == {
        "OK": 0,
        "PARTIAL": 1,
        "USAGE": 2,
        "AUTH": 3,
        "UNREACHABLE": 4,
        "PROTOCOL": 5,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }


# --------------------------------------------------------------------------- settings

PROD = Profile(
    "prod",
    "https://mdm.example.jp",
    "alice",
    ca_bundle="/etc/ca.pem",
    proxy="http://proxy:3128",
    lang="ja",
    confirm_above=20,
    stall_after_minutes=45,
)
LABP = Profile("lab", LAB, "admin")
CONFIGURED = Profiles({"prod": PROD, "lab": LABP}, default="lab")


def test_a_profile_resolves_with_its_settings_and_the_defaults_it_left_out() -> None:
    prod = resolve_settings("prod", configured=CONFIGURED, environ={})
    assert prod == ConnectionSettings(
        base_url="https://mdm.example.jp",
        account="alice",
        profile="prod",
        lang="ja",
        ca_bundle="/etc/ca.pem",
        proxy="http://proxy:3128",
        confirm_above=20,
        stall_after=timedelta(minutes=45),
    )
    lab = resolve_settings(None, configured=CONFIGURED, environ={})
    assert (lab.profile, lab.lang, lab.confirm_above, lab.stall_after) == (
        "lab",
        "en",
        100,
        DEFAULT_STALL,
    )
    assert lab.cache_token and not lab.read_only


def test_the_language_is_the_flag_then_the_profile_then_the_locale() -> None:
    def lang(name: str, flag: str | None, env: dict[str, str]) -> str:
        return resolve_settings(name, lang=flag, configured=CONFIGURED, environ=env).lang

    assert lang("prod", "en", {"LANG": "ja_JP.UTF-8"}) == "en"
    assert lang("prod", None, {"LANG": "C"}) == "ja"
    assert lang("lab", None, {"LANG": "ja_JP.UTF-8"}) == "ja"
    assert lang("lab", None, {}) == "en"


def test_read_only_is_the_flag_or_the_profile() -> None:
    guarded = Profiles({"p": Profile("p", LAB, "admin", read_only=True)})
    assert resolve_settings("p", configured=guarded, environ={}).read_only
    assert resolve_settings("lab", read_only=True, configured=CONFIGURED, environ={}).read_only
    assert not resolve_settings("lab", configured=CONFIGURED, environ={}).read_only


def test_a_one_off_keeps_no_token_and_needs_both_halves() -> None:
    one = resolve_settings(server=LAB, account="admin", lang="ja", environ={})
    assert (one.base_url, one.account, one.profile, one.lang) == (LAB, "admin", ONE_OFF, "ja")
    assert not one.cache_token
    with pytest.raises(ConfigError, match="--server and --account go together"):
        resolve_settings(server=LAB, environ={})


def test_a_missing_profile_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no profile 'nope' \(known: lab, prod\)"):
        resolve_settings("nope", configured=CONFIGURED, environ={})
    with pytest.raises(ConfigError, match="none; run mobitui once"):
        resolve_settings(None, configured=Profiles(), environ={})


def test_the_tui_s_launch_is_the_shared_settings_plus_its_own() -> None:
    shared = resolve_settings("prod", configured=CONFIGURED, environ={})
    launch = Launch.of(shared, poll_seconds=1.0)
    assert isinstance(launch, ConnectionSettings)
    assert launch.confirm_above == 20 and launch.lang == "ja" and launch.poll_seconds == 1.0
    assert launch.demo_password is None and launch.cache_fleet
    assert Launch.from_profile(PROD, "en") == Launch.of(
        resolve_settings("prod", lang="en", configured=CONFIGURED, environ={})
    )
    assert Launch(base_url=LAB, account="admin").profile == "demo"


# --------------------------------------------------------------------------- the login flow

ADMIN = Account(id="u1", name="admin", role=Role.ADMIN, group_scope=None)
SETTINGS = ConnectionSettings(base_url=LAB, account="admin", profile="lab")


@dataclass
class FakeClient:
    """Accepts ``good_token`` for ``me()`` and ``password`` for ``login()``."""

    good_token: str | None = None
    password: str = "right"
    token: str | None = None
    logins: list[str] = field(default_factory=list)

    def use_token(self, token: str | None) -> bool:
        self.token = token
        return True

    async def me(self) -> Account:
        if self.token is None or self.token != self.good_token:
            raise Unauthenticated(status=401, code="unauthenticated")
        return ADMIN

    async def login(self, account: str, password: str) -> _Session:
        self.logins.append(password)
        if password != self.password:
            raise InvalidCredentials(status=401, code="invalid_credentials")
        self.token = "new-token"
        return _Session("new-token", datetime.now(UTC) + timedelta(hours=1), ADMIN)


def real(client: FakeClient) -> MobiClient:
    """The fake where the flow expects a client (it uses only what the fake has)."""
    return cast(MobiClient, client)


@dataclass
class _Session:
    token: str
    expires_at: datetime
    account: Account


def passwords(*given: str | None) -> tuple[session.PasswordSource, list[ApiError | None]]:
    """A source answering ``given`` in turn; it records the failure it was shown each time."""
    seen: list[ApiError | None] = []
    answers: Iterator[str | None] = iter(given)

    async def source(failure: ApiError | None) -> str | None:
        seen.append(failure)
        return next(answers)

    return source, seen


def _cache(token: str) -> None:
    tokens.save_token("lab", "admin", token, datetime.now(UTC) + timedelta(hours=1), server=LAB)


async def test_a_cached_token_the_server_accepts_needs_no_password() -> None:
    _cache("old-token")
    client = FakeClient(good_token="old-token")
    source, seen = passwords()
    assert await session.sign_in(real(client), SETTINGS, source) == ADMIN
    assert seen == [] and client.logins == []


async def test_a_refused_token_is_deleted_then_a_login_saves_the_new_one() -> None:
    _cache("old-token")
    client = FakeClient(good_token="something-else")
    source, seen = passwords("right")
    assert await session.sign_in(real(client), SETTINGS, source) == ADMIN
    assert seen == [None]
    cached = tokens.load_token("lab", "admin", server=LAB)
    assert cached is not None and cached.token == "new-token"


async def test_a_wrong_password_is_shown_to_the_source_which_may_ask_again() -> None:
    client = FakeClient()
    source, seen = passwords("wrong", "right")
    assert await session.sign_in(real(client), SETTINGS, source) == ADMIN
    assert seen[0] is None and isinstance(seen[1], InvalidCredentials)
    assert client.logins == ["wrong", "right"]


async def test_giving_up_is_none_and_a_one_password_source_raises_the_failure() -> None:
    source, _ = passwords(None)
    assert await session.sign_in(real(FakeClient()), SETTINGS, source) is None
    once = session.once(lambda: "wrong")
    with pytest.raises(InvalidCredentials):
        await session.sign_in(real(FakeClient()), SETTINGS, once)


async def test_settings_without_a_token_cache_never_read_or_write_one() -> None:
    _cache("old-token")
    one_off = ConnectionSettings(base_url=LAB, account="admin", profile="lab", cache_token=False)
    client = FakeClient(good_token="old-token")
    source, seen = passwords("right")
    assert await session.sign_in(real(client), one_off, source) == ADMIN
    assert seen == [None]  # the cached token was not even tried
    cached = tokens.load_token("lab", "admin", server=LAB)
    assert cached is not None and cached.token == "old-token"  # nor replaced


async def test_reuse_token_false_logs_in_even_with_a_good_token() -> None:
    _cache("old-token")
    client = FakeClient(good_token="old-token")
    source, _ = passwords("right")
    account = await session.sign_in(real(client), SETTINGS, source, reuse_token=False)
    assert account == ADMIN and client.logins == ["right"]
