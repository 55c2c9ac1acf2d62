"""Odd input from a server becomes a clear message or a bound, never a crash (issue 13, #11).

Behind a hostile gateway (tests/gateway.py) in front of the REAL reference server: a token
that is not ASCII, a socks5:// proxy, device names of a megabyte, answers larger than the
client will read. Each must end as a typed error naming the problem, or as data cut to the
documented display maximum (``mobitui.domain.text.DISPLAY_MAX``), with ids left exact.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import Forbidden, MalformedResponse, Unauthenticated, Unreachable
from mobitui.api.transport import MAX_BODY
from mobitui.domain.text import DISPLAY_MAX, ELLIPSIS
from tests.contract.faults import PASSWORDS, connect

LONG = 1024 * 1024  # a megabyte-long name: as bad as 100 MB for a screen, quicker to test


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- tokens


def token_of(value: str):
    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if path.endswith("/auth/login") and isinstance(data, dict) and "token" in data:
            return {**data, "token": value}
        return data

    return answer


@pytest.mark.parametrize("token", ["トークン", "tok en", "tok\x1b[2Jen", ""])
async def test_a_login_answer_with_an_unusable_token_is_malformed(
    make_server, make_gateway, token: str
) -> None:
    gateway = make_gateway(make_server(), answer=token_of(token))
    async with MobiClient(gateway.base_url) as client:
        with pytest.raises(MalformedResponse) as refused:
            await client.login("admin", PASSWORDS["admin"])
        assert "field 'token'" in refused.value.message
        assert "POST /api/v1/auth/login" in refused.value.message
        assert client.token is None
        with pytest.raises(Unauthenticated):  # refused here, before anything is sent
            await client.me()
    assert [s.path for s in gateway.gateway.wire] == ["/api/v1/auth/login"]


async def test_use_token_refuses_a_token_http_cannot_carry(make_server, make_gateway) -> None:
    gateway = make_gateway(make_server())
    async with MobiClient(gateway.base_url, token="トークン") as client:
        assert client.token is None
        assert client.use_token("キャッシュ") is False and client.token is None
        with pytest.raises(Unauthenticated):
            await client.me()
        assert client.use_token("ascii-token") is True and client.token == "ascii-token"
    assert gateway.gateway.wire == []  # nothing ever left with the bad token


# --------------------------------------------------------------------------- socks5


async def test_a_socks5_proxy_works_and_a_closed_one_is_unreachable(make_server) -> None:
    server = make_server()
    port = closed_port()
    async with MobiClient(server.base_url, proxy=f"socks5://127.0.0.1:{port}") as client:
        with pytest.raises(Unreachable) as down:
            await client.limits()
    assert f"via proxy 127.0.0.1:{port}" in down.value.message
    assert "refused" in down.value.message


def test_without_socksio_a_socks5_proxy_gets_a_sentence(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "socksio", None)  # as if the package were missing
    with pytest.raises(Unreachable, match=r"needs the 'socksio' package"):
        MobiClient("http://127.0.0.1:9", proxy="socks5://127.0.0.1:1080")


# --------------------------------------------------------------------------- long strings


def lengthen(device_id: str):
    """Every answer that holds ``device_id``: its strings a megabyte long (its id kept)."""

    def grow(device: dict[str, Any]) -> dict[str, Any]:
        if device.get("id") != device_id:
            return device
        long = {
            k: k[0].upper() * LONG
            for k in ("name", "user_name", "model", "os_version", "serial", "phone_number")
        }
        return {**device, **long}

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if isinstance(data.get("items"), list):
            data = {**data, "items": [grow(d) if isinstance(d, dict) else d for d in data["items"]]}
        if isinstance(data.get("changes"), list):
            data = {**data, "changes": [grow(d) for d in data["changes"]]}
        if data.get("id") == device_id:
            data = grow(data)
        return data

    return answer


def assert_cut(device: Any, device_id: str) -> None:
    assert device.id == device_id  # ids are never cut
    for field in ("name", "user_name", "model", "os_version", "serial", "phone_number"):
        value = getattr(device, field)
        assert len(value) == DISPLAY_MAX and value.endswith(ELLIPSIS), field


async def test_megabyte_strings_are_cut_where_they_enter_and_ids_stay_exact(
    make_server, make_gateway
) -> None:
    server = make_server()
    gateway = make_gateway(server, answer=lengthen("d000003"))
    client = await connect(gateway)
    async with client:
        pages = [p async for p in client.device_pages()]
        listed = {d.id: d for p in pages for d in p.items}
        assert_cut(listed["d000003"], "d000003")
        assert len(listed["d000004"].name) < DISPLAY_MAX  # the others untouched
        assert_cut(await client.device("d000003"), "d000003")


async def test_a_hostile_megabyte_name_is_made_visible_then_cut(make_server, make_gateway):
    """The general (sanitizing) path cuts too: an escape in the name sends it there."""

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if path.endswith("/devices") and isinstance(data, dict):
            first = {**data["items"][0], "name": "\x1b]0;x\x07" + "N" * LONG}
            return {**data, "items": [first, *data["items"][1:]]}
        return data

    gateway = make_gateway(make_server(), answer=answer)
    client = await connect(gateway)
    async with client:
        page = await anext(client.device_pages())
    name = page.items[0].name
    assert name.startswith("␛]0;x␇N") and len(name) == DISPLAY_MAX and name.endswith("…")


async def test_a_problem_detail_of_a_megabyte_is_cut(make_server, make_gateway) -> None:
    problem = {"type": "about:blank", "status": 403, "code": "forbidden", "detail": "x" * LONG}
    gateway = make_gateway(make_server(), canned={("GET", "/api/v1/groups"): (403, problem)})
    client = await connect(gateway)
    async with client:
        with pytest.raises(Forbidden) as refused:
            await client.groups()
    assert len(refused.value.detail) == DISPLAY_MAX


# --------------------------------------------------------------------------- body size


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_answer_larger_than_the_cap_is_refused_unread(
    make_server, make_gateway, chunked: bool
) -> None:
    server = make_server()
    settings: dict[str, Any] = {"answer": lengthen("d000001")}
    if chunked:  # no Content-Length: the bytes are counted as they come
        settings |= {"trickle": 0.0, "trickle_bytes": 64 * 1024}
    gateway = make_gateway(server, **settings)
    cap = 4 * LONG
    async with MobiClient(gateway.base_url, max_body=cap) as client:
        await client.login("admin", PASSWORDS["admin"])
        with pytest.raises(MalformedResponse) as refused:
            await anext(client.device_pages())
    assert refused.value.code == "too_large"
    assert "larger than 4 MiB" in refused.value.message
    assert "GET /api/v1/devices" in refused.value.message
    assert gateway.gateway.count("GET", "/devices") == 1  # not asked again: it would be as big


def test_the_default_cap_leaves_room_for_the_largest_real_answers() -> None:
    # The change feed after all of 100,000 devices changed is about 46 MB.
    assert 48 * 1024 * 1024 <= MAX_BODY <= 256 * 1024 * 1024
