"""Reaching the server: down, restarting, TLS (untrusted, trusted via a CA bundle, plain HTTP
spoken to an HTTPS client), unresolvable hosts and refusing proxies. Each failure must become
:class:`Unreachable` naming the host and the cause, never a raw httpx exception."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from mobitui.api.client import MobiClient
from mobitui.api.errors import Unreachable
from mobitui.api.retry import RetryPolicy
from mobitui.sim.app import create_app
from tests.contract.faults import PASSWORDS, fast_retry


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_server_down_is_unreachable_after_retries(server):
    port = server.port
    server.stop()
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    retry = RetryPolicy(max_attempts=3, sleep=sleep, jitter=0.0)
    async with MobiClient(server.base_url, retry=retry) as client:
        with pytest.raises(Unreachable) as info:
            await client.login("admin", PASSWORDS["admin"])
    error = info.value
    assert len(sleeps) == 2  # connection refused: certainly not sent, so even login retries
    assert error.host == f"127.0.0.1:{port}"
    assert error.message == f"Cannot reach 127.0.0.1:{port}: connection refused."
    assert not error.maybe_processed
    assert error.__cause__ is None and error.__context__ is None


async def test_a_server_coming_back_during_the_retries_is_reached(server):
    server.stop()

    async def sleep(seconds: float) -> None:
        server.start()  # the same port and database

    async with MobiClient(server.base_url, retry=fast_retry(sleep=sleep)) as client:
        session = await client.login("admin", PASSWORDS["admin"])
    assert session.account.name == "admin"


async def test_https_to_a_plain_http_server_is_a_tls_failure(server):
    url = server.base_url.replace("http://", "https://")
    async with MobiClient(url, retry=fast_retry()) as client:
        with pytest.raises(Unreachable) as info:
            await client.limits()
    assert info.value.message.startswith(f"Cannot reach 127.0.0.1:{server.port}: TLS handshake")


async def test_an_unresolvable_host_says_so():
    async with MobiClient("http://mobitui-test.invalid", retry=fast_retry()) as client:
        with pytest.raises(Unreachable) as info:
            await client.limits()
    assert "mobitui-test.invalid" in info.value.message
    assert "could not be resolved" in info.value.message or "cannot connect" in info.value.message


async def test_a_refusing_proxy_is_named(server):
    proxy = f"http://127.0.0.1:{free_port()}"
    retry = RetryPolicy(max_attempts=1)
    async with MobiClient(server.base_url, proxy=proxy, retry=retry) as client:
        with pytest.raises(Unreachable) as info:
            await client.limits()
    assert "via proxy 127.0.0.1:" in info.value.message


# ---------------------------------------------------------------------- a real TLS server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command line tool."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(server_config, certificate) -> Iterator[str]:
    """The reference app served over HTTPS with the self-signed certificate."""
    cert, key = certificate
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(server_config),
        log_level="warning",
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        lifespan="on",
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert served.started
    yield f"https://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(10)


async def test_an_untrusted_certificate_is_refused_with_a_clear_message(tls_server):
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with MobiClient(tls_server, retry=RetryPolicy(sleep=sleep)) as client:
        with pytest.raises(Unreachable) as info:
            await client.login("admin", PASSWORDS["admin"])
    assert sleeps == []  # a certificate does not get better by trying again
    assert "TLS certificate verification failed (self-signed certificate)" in info.value.message
    assert info.value.host == tls_server.removeprefix("https://")


async def test_a_ca_bundle_makes_the_certificate_trusted(tls_server, certificate):
    async with MobiClient(tls_server, ca_bundle=certificate[0], retry=fast_retry()) as client:
        session = await client.login("admin", PASSWORDS["admin"])
    assert session.account.name == "admin"
    async with MobiClient(tls_server, verify=False, retry=fast_retry()) as insecure:
        assert (await insecure.limits()).max_bulk_devices >= 1


def test_no_certificate_store_for_a_plain_http_server_and_one_for_https(monkeypatch) -> None:
    from mobitui.api.transport import _may_use_tls

    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert not _may_use_tls(httpx.URL("http://127.0.0.1:8765"), None, True)
    assert _may_use_tls(httpx.URL("https://mdm.example.jp"), None, True)
    assert _may_use_tls(httpx.URL("http://mdm.internal"), "https://proxy.example:3128", True)
    monkeypatch.setenv("HTTP_PROXY", "https://proxy.example:3128")
    assert _may_use_tls(httpx.URL("http://mdm.internal"), None, True)
    assert not _may_use_tls(httpx.URL("http://mdm.internal"), None, False)
