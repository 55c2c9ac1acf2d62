"""Serving: loopback-only with demo accounts or sim controls, rate limiting, accounts files,
the clock."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mobitui.sim.accounts import hash_password, load_accounts_file, verify_password
from mobitui.sim.clock import SimClock
from mobitui.sim.config import ServerConfig
from mobitui.sim.ratelimit import RateLimiter
from mobitui.sim.server import BackgroundServer, UnsafeBindError, check_bind, run
from tests.sim.helpers import API, bearer, login


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
def test_demo_accounts_never_listen_beyond_loopback(tmp_path: Path, host: str) -> None:
    config = ServerConfig(db_path=tmp_path / "x.sqlite3", fleet=5)
    with pytest.raises(UnsafeBindError, match="demo accounts"):
        run(config, host=host, port=0)
    with pytest.raises(UnsafeBindError):
        BackgroundServer(config, host=host)
    assert not (tmp_path / "x.sqlite3").exists()  # refused before anything was created


def test_loopback_or_an_accounts_file_is_allowed(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        f'[[account]]\nname = "a"\nrole = "admin"\npassword_hash = "{hash_password("pw")}"\n',
        encoding="utf-8",
    )
    demo = ServerConfig(db_path=tmp_path / "x.sqlite3")
    for host in ("127.0.0.1", "localhost", "::1", "127.5.5.5"):
        check_bind(demo, host)
    check_bind(ServerConfig(db_path=tmp_path / "x.sqlite3", accounts_file=accounts), "0.0.0.0")


def _accounts_file(tmp_path: Path) -> Path:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        f'[[account]]\nname = "a"\nrole = "admin"\npassword_hash = "{hash_password("pw")}"\n',
        encoding="utf-8",
    )
    return accounts


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "[::]", "", "192.168.1.10", "::ffff:127.0.0.1", "example.com", "vm"]
)
def test_sim_controls_never_listen_beyond_loopback(tmp_path: Path, host: str) -> None:
    """Own accounts make a public bind fine, but not with the tokenless clock and audit."""
    config = ServerConfig(
        db_path=tmp_path / "x.sqlite3",
        fleet=5,
        accounts_file=_accounts_file(tmp_path),
        sim_controls=True,
    )
    with pytest.raises(UnsafeBindError, match="--sim-controls"):
        check_bind(config, host)
    with pytest.raises(UnsafeBindError, match="--sim-controls"):
        run(config, host=host, port=0)
    with pytest.raises(UnsafeBindError, match="--sim-controls"):
        BackgroundServer(config, host=host)
    assert not (tmp_path / "x.sqlite3").exists()  # refused before anything was created


def test_sim_controls_on_loopback_are_allowed(tmp_path: Path) -> None:
    config = ServerConfig(
        db_path=tmp_path / "x.sqlite3", accounts_file=_accounts_file(tmp_path), sim_controls=True
    )
    for host in ("127.0.0.1", "::1", "[::1]", "127.5.5.5", "localhost", "LOCALHOST"):
        check_bind(config, host)
        check_bind(ServerConfig(db_path=tmp_path / "x.sqlite3", sim_controls=True), host)


def test_localhost_counts_only_when_it_resolves_to_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn binds whatever ``localhost`` resolves to; a hosts file may point it outwards.

    The resolver is replaced (the only way to stand in for a hosts file without root); the
    check runs as it does for real.
    """
    config = ServerConfig(db_path=tmp_path / "x.sqlite3", sim_controls=True)
    real = socket.getaddrinfo

    def outward(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        if str(host).lower().startswith("localhost"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.7", 0))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", outward)
    with pytest.raises(UnsafeBindError):
        check_bind(config, "localhost")

    def mixed(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:db8::1", 0, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with pytest.raises(UnsafeBindError):
        check_bind(config, "localhost")

    def broken(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", broken)
    with pytest.raises(UnsafeBindError):
        check_bind(config, "localhost")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_serve_refuses_sim_controls_beyond_loopback_in_one_line(tmp_path: Path, host: str) -> None:
    """The real command: exit 2 and one line on stderr naming the flag, no traceback, no db."""
    db = tmp_path / "served.sqlite3"
    argv = [sys.executable, "-m", "mobitui", "serve", "--host", host, "--port", "0"]
    argv += ["--sim-controls", "--accounts", str(_accounts_file(tmp_path)), "--db", str(db)]
    argv += ["--fleet", "5"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"mobitui serve --host {host} --sim-controls served instead of refusing: {exc}")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("mobitui serve: refusing to listen on"), lines
    assert "--sim-controls" in lines[0] and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not db.exists()


async def test_rate_limit_answers_429_with_retry_after(make_server) -> None:
    running: BackgroundServer = make_server(rate_limit=2.0)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)
        codes = []
        for _ in range(12):
            response = await client.get(f"{API}/me", headers=bearer(token))
            codes.append(response.status_code)
            if response.status_code == 429:
                assert response.json()["code"] == "rate_limited"
                assert int(response.headers["Retry-After"]) >= 1
                break
        assert codes[-1] == 429 and codes[0] == 200
        # Another token has its own bucket.
        other = await login(client, "operator")
        assert (await client.get(f"{API}/me", headers=bearer(other))).status_code == 200


def test_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=2.0, monotonic=lambda: now[0])
    assert limiter.allow("a") is None
    assert limiter.allow("a") is None
    wait = limiter.allow("a")
    assert wait is not None and 0.99 < wait <= 1.0
    assert limiter.allow("b") is None
    now[0] = 1.0
    assert limiter.allow("a") is None


def test_clock_runs_at_speed_and_only_forward() -> None:
    real = [100.0]
    clock = SimClock(1_000.0, speed=60.0, monotonic=lambda: real[0])
    assert clock.now_ts() == 1_000.0
    real[0] = 101.0
    assert clock.now_ts() == 1_060.0
    assert clock.advance(40) == 1_100.0
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.now().tzinfo is not None


def test_accounts_file_errors_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    cases = {
        "": "at least one",
        '[[account]]\nname = "a"\nrole = "boss"\npassword_hash = "x"\n': "role",
        '[[account]]\nname = "a"\nrole = "admin"\n': "password_hash",
        '[[account]]\nname = "a"\nrole = "admin"\npassword_hash = "plain"\n': "password_hash",
        '[[account]]\nname = "a"\nrole = "admin"\ngroup_scope = "g01"\npassword_hash = "x"\n': (
            "group_scope"
        ),
        '[[account]]\nname = "a"\nrole = "admin"\npassword = "x"\n': "unknown keys",
        "not toml = = =": "cannot read",
    }
    for text, message in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            load_accounts_file(path)


def test_password_hashes_are_salted_and_verify() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")
    assert first != second and "s3cret" not in first
    assert verify_password("s3cret", first) and verify_password("s3cret", second)
    assert not verify_password("other", first)
    assert not verify_password("s3cret", None)
