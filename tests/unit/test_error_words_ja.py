"""Issue 16, item 1: every failure is said in the admin's language.

Before, ``error_text`` returned the client's English ``message`` for every code the catalogue
lacked (a wrong login said "The account name or password is wrong. (wrong account name or
password)" under ``--lang ja``: English, and the server's detail repeating it), and an
unreachable server's cause ("connection refused", "TLS handshake failed", …) stayed English.
"""

from __future__ import annotations

import re
import socket

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import ApiError, RateLimited, Unreachable, from_problem
from mobitui.api.retry import RetryPolicy
from mobitui.i18n import Catalogue
from mobitui.present.errors import cause_text, error_text
from mobitui.sim.problems import TITLES

JA, EN = Catalogue("ja"), Catalogue("en")
#: Latin words that stay Latin in the vendor's Japanese UI, and in these sentences.
ALLOWED = {"API", "TLS", "CA", "ID", "URL", "socks5", "socksio", "pip", "install", "httpx", "socks"}


def english_words(text: str) -> list[str]:
    """Runs of two or more Latin words (an English phrase), outside the allowed terms."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w not in ALLOWED]
    return words


async def _no_sleep(_: float) -> None:
    return None


async def test_a_wrong_login_is_said_in_japanese_once(server) -> None:
    async with MobiClient(server.base_url) as client:
        with pytest.raises(ApiError) as info:
            await client.login("admin", "wrong-password")
    text = error_text(JA, info.value)
    assert text == "アカウント名またはパスワードが正しくありません。"
    assert english_words(text) == []
    assert error_text(EN, info.value) == "The account name or password is wrong."


@pytest.mark.parametrize("code", sorted(TITLES))
def test_every_problem_code_of_the_server_has_a_japanese_sentence(code: str) -> None:
    status, title = TITLES[code]
    error = from_problem(
        status,
        {"code": code, "title": title, "detail": title.lower()},
        endpoint="POST /api/v1/devices/inactivate",
    )
    text = error_text(JA, error)
    # The server's detail (English here) may follow, marked as the server's: not our words.
    ours = text.split("\nサーバーの説明:")[0]
    assert english_words(ours) == [], (code, text)
    assert text.count(title.lower()) <= 1


def test_the_detail_is_shown_when_it_adds_something_and_inert() -> None:
    hostile = "field 'device_ids' must not be empty\x1b[31m[b]x[/b]"
    error = from_problem(
        422, {"code": "invalid_body", "detail": hostile}, endpoint="POST /api/v1/x"
    )
    text = error_text(JA, error)
    assert "\x1b" not in text and "device_ids" in text
    assert text.count("device_ids") == 1


def test_the_login_slowdown_says_how_long_to_wait() -> None:
    error = from_problem(
        429,
        {"code": "rate_limited", "detail": "too many failed password attempts; wait and retry"},
        endpoint="POST /api/v1/auth/login",
        retry_after=32,
    )
    assert isinstance(error, RateLimited)
    text = error_text(JA, error)
    assert "32 秒" in text and english_words(text) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_is_said_in_japanese() -> None:
    port = _closed_port()
    retry = RetryPolicy(max_attempts=1, sleep=_no_sleep)
    async with MobiClient(f"http://127.0.0.1:{port}", retry=retry) as client:
        with pytest.raises(Unreachable) as info:
            await client.login("admin", "x")
    text = error_text(JA, info.value)
    assert text == f"サーバーに接続できません: 127.0.0.1:{port}: 接続を拒否されました。"
    assert error_text(EN, info.value).startswith("Cannot reach the server")


@pytest.mark.parametrize(
    "cause",
    [
        "connecting timed out (via proxy 10.0.0.1:3128)",
        "no answer within 30 s",
        "no complete answer within 120 s (the server kept sending)",
        "no complete answer within 300 s, retries included",
        "the proxy refused the connection (via proxy 10.0.0.1:3128): 403 Forbidden",
        "the answer arrived corrupted",
        "the connection was lost before the answer arrived",
        "TLS certificate verification failed (self-signed certificate)",
        "TLS handshake failed (WRONG_VERSION_NUMBER) (via proxy p:1)",
        "the host name could not be resolved",
        "connection refused (via proxy 10.0.0.1:3128)",
        "cannot connect (boom)",
        "cannot load the CA bundle /etc/ca.pem: no such file",
        "a socks5:// proxy needs the 'socksio' package (pip install 'httpx[socks]')",
    ],
)
def test_every_transport_cause_is_said_in_japanese(cause: str) -> None:
    said = cause_text(JA, cause)
    assert said != cause
    # what is left Latin is the data the cause carried (a host, a library's reason), no phrase
    leftover = {
        "self-signed",
        "certificate",
        "Forbidden",
        "WRONG",
        "VERSION",
        "NUMBER",
        "boom",
        "no",
    }
    leftover |= {"such", "file", "etc", "ca", "pem"}
    assert [w for w in english_words(said) if w not in leftover] == [], said
    assert cause_text(EN, cause) == cause


def test_a_settings_problem_is_said_in_the_tuis_language_as_the_clis() -> None:
    """A ConfigError with a catalogue key reaches the TUI in Japanese (it showed its English
    ``str()``), through the one ``config_text`` the CLI uses too; its path stays inert."""
    from mobitui.local.paths import ConfigError

    error = ConfigError.said("cli.config.not_utf8", path="/home/a/\x1b[2Jprofiles.toml")
    said = error_text(Catalogue("ja"), error)
    assert said != error_text(Catalogue("en"), error)
    assert "\x1b" not in said and "profiles.toml" in said
    assert str(error) not in said  # not the English sentence
