"""A device listing is the whole set, each device once, and bounded (safety round 3, #2, #3).

Behind the hostile gateway (tests/gateway.py), in front of the REAL reference server:

- **#2, a listing that stops before its total.** An adapter whose paging is broken ends the
  listing (``next_cursor`` null) after the first page while ``total`` still says 300. Before,
  the listing was taken as complete: ``--group`` planned 10 of a group's 18 devices (exit 0),
  and the resume check vouched for devices it never saw. Now, when a listing ends short of its
  first page's total, the client asks the server's count again and refuses the listing
  (:class:`~mobitui.api.errors.ShortListing`) if it still says more, before the last page is
  handed out. Devices deleted while paging make the new count smaller: accepted.
- **#3, an inflated total with an endless cursor.** ``total: 10**9`` and a new cursor for
  every page of the same ten devices paged 1,501 times. Now a device listed twice in one
  listing is a protocol error, caught at the second page; and whatever ``total`` says, a
  listing stops past :data:`~mobitui.api.reads.MAX_LISTING_DEVICES` devices or
  :data:`~mobitui.api.reads.MAX_LISTING_PAGES` pages. The requests listing refuses a
  request listed twice the same way.
"""

from __future__ import annotations

from typing import Any

import pytest

from mobitui.api import reads as reads_module
from mobitui.api.errors import MalformedResponse, ShortListing
from tests.contract.faults import PASSWORDS, connect
from tests.contract.runs import force_inactivate, inactivate
from tests.contract.test_bounded_waits import new_devices_on_every_page
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]


def listing_hook(**changes: Any) -> Any:
    """An ``answer`` hook setting ``changes`` on every page of ``GET /devices``."""

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/devices") and isinstance(data, dict):
            return {**data, **changes}
        return data

    return answer


async def pages_of(client: Any, **kw: Any) -> list[Any]:
    return [page async for page in client.device_pages(**kw)]


# --------------------------------------------------------------------------- #2


async def test_a_listing_that_ends_short_of_its_total_is_refused_before_its_last_page(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=300, seed=11, speed=0.0, max_page=50)
    gateway = make_gateway(server, answer=listing_hook(next_cursor=None))  # first page only
    client = await connect(gateway)
    handed_out: list[Any] = []
    async with client:
        with pytest.raises(ShortListing) as short:
            async for page in client.device_pages():
                handed_out.append(page)
        with pytest.raises(ShortListing):  # a group of 18, at 10 a page: 10 of 18
            [d async for d in client.iter_devices(group_id="g30", limit=10)]
    error = short.value
    assert (error.listed, error.total, error.now) == (50, 300, 300)
    assert "ended after 50 of the 300 devices" in error.message
    assert "GET /api/v1/devices" in error.message and error.code == "short_listing"
    assert handed_out == []  # not even the page it had: the caller never sees a short listing
    # The page, then the server's count asked again (one device): two requests each.
    assert gateway.gateway.count("GET", "/devices") == 4
    assert "limit=1" in gateway.gateway.wire[-1].query.split("&")


async def test_a_listing_short_because_devices_were_deleted_meanwhile_is_accepted(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=300, seed=11, speed=0.0, max_page=50)
    ids = await active_ids(server, 300 - 40)  # the active ones, in listing order
    gone = ids[-5:]  # on the last pages: deleted after the first page was read
    gateway = make_gateway(server)
    client = await connect(gateway)
    admin = await connect(server)
    async with client, admin:
        pages = client.device_pages()
        first = await anext(pages)
        assert first.total == 300
        await force_inactivate(admin, gone, delete_after=True, password=PASSWORD, agree=True)
        rest = [page async for page in pages]
    listed = [d.id for p in [first, *rest] for d in p.items]
    assert len(listed) == 295 and not set(gone) & set(listed)


async def test_an_honest_listing_of_every_size_passes(make_server, make_gateway) -> None:
    server = make_server(fleet=300, seed=11, speed=0.0, max_page=50)
    gateway = make_gateway(server)
    client = await connect(gateway)
    async with client:
        whole = await pages_of(client, first=7)
        group = [d async for d in client.iter_devices(group_id="g30", include_subgroups=True)]
    assert sum(len(p.items) for p in whole) == 300 and group
    # 7, then 50 a page (six pages), then the group's one page: no count asked again.
    assert gateway.gateway.count("GET", "/devices") == 7 + 1


# --------------------------------------------------------------------------- #3


async def test_the_same_page_under_new_cursors_and_a_huge_total_stops_at_the_second_page(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0, max_page=10)
    gateway = make_gateway(
        server, endless_cursor=True, endless_limit=1500, answer=listing_hook(total=10**9)
    )
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse) as stopped:
            await pages_of(client)
    message = stopped.value.message
    assert "is listed twice in one listing (page 2)" in message and "d000001" in message
    assert gateway.gateway.count("GET", "/devices") <= 3  # two pages and one prefetched


async def test_a_device_twice_on_one_page_is_refused(make_server, make_gateway) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0)

    def twice(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/devices") and isinstance(data, dict):
            items = data["items"]
            return {**data, "items": [*items[:5], items[3], *items[5:-1]]}
        return data

    gateway = make_gateway(server, answer=twice)
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse, match=r"device 'd000004' is listed twice"):
            await pages_of(client)


async def test_a_listing_stops_at_its_absolute_ceiling_whatever_its_total_says(
    make_server, make_gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New devices on every page and a total of 10**9: only the ceiling can stop it. The
    ceiling is 10,000 pages; made 40 here so the test pages 41 times, not 10,001."""
    assert reads_module.MAX_LISTING_PAGES == 10_000
    assert reads_module.MAX_LISTING_DEVICES == 1_000_000
    monkeypatch.setattr(reads_module, "MAX_LISTING_PAGES", 40)
    server = make_server(fleet=30, seed=11, speed=0.0, max_page=10)
    inflate = listing_hook(total=10**9)
    fresh = new_devices_on_every_page()

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        return inflate(method, path, status, fresh(method, path, status, data))

    gateway = make_gateway(server, endless_cursor=True, endless_limit=500, answer=answer)
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse) as stopped:
            await pages_of(client)
    assert "past 1,000,000 devices or 40 pages" in stopped.value.message
    assert gateway.gateway.count("GET", "/devices") <= 42


async def test_a_request_listed_twice_is_refused(make_server, make_gateway) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0)
    ids = await active_ids(server, 4)
    admin = await connect(server)
    async with admin:
        for device_id in ids:
            await inactivate(admin, [device_id], password=PASSWORD, agree=True)

    def twice(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/inactivations") and isinstance(data, dict):
            return {**data, "items": [*data["items"], data["items"][1]]}
        return data

    gateway = make_gateway(server, answer=twice)
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse, match=r"request '.*' is listed twice"):
            await client.inactivations()
