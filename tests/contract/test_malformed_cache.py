"""Malformed answers in the middle of a sync: a clear error, and the fleet cache as it was.

A transport in front of the real server spoils one answer: a device without a field, a field of
the wrong type, a body that is not JSON, the wrong content type, or a page far larger than the
server's own limit. The sync raises :class:`MalformedResponse` naming the endpoint, and the
cache (devices, groups, change-feed position, check marks) is exactly what it was before.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import MalformedResponse
from mobitui.fleet.cache import Fleet
from mobitui.fleet.sync import FleetSync
from tests.contract.faults import PASSWORDS, fast_retry

Spoil = Callable[[httpx.Response], httpx.Response]


def _json(response: httpx.Response, change: Callable[[dict], None]) -> httpx.Response:
    data = json.loads(response.content)
    change(data)
    return httpx.Response(200, json=data)


SPOILERS: dict[str, Spoil] = {
    "missing field": lambda r: _json(r, lambda d: d["items"][0].pop("state")),
    "wrong type": lambda r: _json(r, lambda d: d["items"][0].update(pending_jobs="many")),
    "not JSON": lambda r: httpx.Response(
        200, content=b'{"items": [', headers={"content-type": "application/json"}
    ),
    "wrong content type": lambda r: httpx.Response(
        200, content=b"<html>proxy</html>", headers={"content-type": "text/html"}
    ),
    "huge page": lambda r: _json(r, lambda d: d.update(items=d["items"] * 3)),
}


class SpoilLaterPages(httpx.AsyncBaseTransport):
    def __init__(self, spoil: Spoil) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.spoil = spoil
        self.armed = False
        self.pages = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.armed and request.url.path.endswith("/devices"):
            self.pages += 1
            if self.pages >= 2:  # every page after the first (a retry meets it again)
                await response.aread()
                return self.spoil(response)
        return response


@pytest.mark.parametrize("kind", sorted(SPOILERS))
async def test_a_spoiled_page_leaves_the_cache_as_it_was(make_server, kind: str) -> None:
    server = make_server(fleet=250, max_page=100)
    transport = SpoilLaterPages(SPOILERS[kind])
    client = MobiClient(server.base_url, transport=transport, retry=fast_retry())
    fleet = Fleet()
    async with client:
        await client.login("admin", PASSWORDS["admin"])
        sync = FleetSync(client, fleet)
        await sync.full()
        fleet.check(list(fleet.devices)[:5])
        before = (dict(fleet.devices), dict(fleet.groups), fleet.seq, set(fleet.checked))
        transport.armed = True
        with pytest.raises(MalformedResponse) as info:
            await sync.full()
    assert "GET /api/v1/devices" in info.value.message
    assert (dict(fleet.devices), dict(fleet.groups), fleet.seq, set(fleet.checked)) == before
