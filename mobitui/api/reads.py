"""The reading half of the client: groups, device listings, the change feed, requests.

A listing is taken only whole: a device listed twice, or a listing that ends short of its
``total`` while the server's count still says more (:class:`~mobitui.api.errors.ShortListing`),
is refused, so nothing is chosen from, or vouched for by, part of a fleet. Paging stops past
the listing's ``total``, and past :data:`MAX_LISTING_DEVICES` devices or
:data:`MAX_LISTING_PAGES` pages whatever it says; each bound met ends as an error naming it.
Ids are exact: one holding a character :func:`~mobitui.domain.text.visible` would change is
refused, never rewritten (:func:`~mobitui.domain.models.exact_id`).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing
from typing import Any

from mobitui.api.errors import Forbidden, MalformedResponse, NotFound, ShortListing
from mobitui.api.transport import Transport, path_segment, where
from mobitui.api.wire import PageHead, decode_changes, decode_page, page_head, page_of
from mobitui.domain.models import (
    Changes,
    Device,
    DevicePage,
    DeviceState,
    Group,
    InactivationRequest,
    RequestStatus,
)
from mobitui.domain.text import clip, visible

log = logging.getLogger(__name__)


#: Turns of the event loop a prefetch may take to put its request on the wire before the
#: caller goes on decoding (it usually needs four or five; a new connection needs more and
#: simply goes out later).
_SEND_TURNS = 16

#: Paging stops past this many pages of ``GET /inactivations`` (which gives no ``total``): a
#: million requests at 1,000 a page, more than any tenant has.
MAX_REQUEST_PAGES = 1000
#: Whatever its ``total`` says, a device listing is refused past this many devices (ten times
#: the 100,000 of the largest fleet mobitui is built for) ...
MAX_LISTING_DEVICES = 1_000_000
#: ... or past this many pages (a million devices at 100 a page): a gateway announcing a
#: total of 10**9 with an endless cursor would otherwise be paged over the same ten devices.
MAX_LISTING_PAGES = 10_000


class Reads(Transport):
    """What the client reads: each answer a domain model, each listing whole."""

    async def groups(self) -> list[Group]:
        data = await self._call("GET", "/groups")
        return self._list(Group.from_json, data, "groups", "GET /groups")

    async def device_pages(
        self,
        group_id: str | None = None,
        include_subgroups: bool = False,
        state: DeviceState | str | None = None,
        q: str | None = None,
        limit: int | None = None,
        first: int | None = None,
    ) -> AsyncGenerator[DevicePage]:
        """Every page of ``GET /devices``, following ``next_cursor`` to the end.

        ``first`` asks for a smaller first page (a screenful, to show while the rest comes).
        The next page is asked for only once the caller is done with that one: the server
        would otherwise build the largest page while the caller draws the first, on the same
        small machine.

        Pages are as large as the server allows unless ``limit`` asks for fewer devices: the
        server's default page (100) made a sync of 100,000 devices 1,000 round trips. While a
        page is decoded and handed out, the request for the next one is already on its way
        (so a change the caller makes while holding a page may show only from the page after
        the next); it is cancelled if the caller stops early or anything fails.

        Paging is bounded by the first page's ``total``: once the pages hold more devices than
        that plus one page (devices enrolled meanwhile), or number more than twice the pages
        it needs at this page size (plus two), the listing is refused as malformed. A gateway
        handing out a new cursor forever would otherwise be paged without end.
        Whatever ``total`` says, :data:`MAX_LISTING_DEVICES` devices and
        :data:`MAX_LISTING_PAGES` pages at most.

        A listing is one set of devices: a device id on two pages (or twice on one) is a
        protocol error (:class:`MalformedResponse` naming it), caught at the page that repeats
        it: a gateway serving the same page under new cursors stops at its second page.

        A listing that ends (``next_cursor`` null) with fewer devices than its first page's
        ``total`` is missing devices, unless some were deleted while it was paged. So the
        server's count is asked again (one page of one device, same filters): when it still
        says more than the listing held, the listing is refused (:class:`ShortListing`) before
        its last page is handed out. Such a listing once planned 10 of the 18 devices of a
        group, and vouched for a resumed plan it had not seen. Devices deleted meanwhile make
        the new count smaller: accepted. (One deleted and one enrolled behind the cursor while
        paging also make a listing refused: asking again then gives the whole of it.)
        """
        endpoint = "GET /devices"
        largest = (await self.limits()).max_page_size
        params: dict[str, str] = {}
        if group_id is not None:
            params["group_id"] = group_id
        if include_subgroups:
            params["include_subgroups"] = "true"
        if state is not None:
            params["state"] = str(state)
        if q:
            params["q"] = q
        size = largest if limit is None else max(1, min(limit, largest))
        params["limit"] = str(size)
        bound = _PagingBound(size)
        seen: set[str] = set()
        devices: set[str] = set()
        opening = params if first is None else {**params, "limit": str(max(1, min(first, largest)))}
        fetch: asyncio.Task[PageHead] | None = await self._prefetch(opening)
        later: dict[str, str] | None = None  # the page after an opening one: asked for after it
        try:
            while fetch is not None:
                head = await fetch
                fetch = None
                cursor = head.next_cursor
                repeated = cursor is not None and cursor in seen
                if cursor is not None and not repeated:
                    seen.add(cursor)
                    following = {**params, "cursor": cursor}
                    if first is not None and len(seen) == 1:
                        later = following
                    else:
                        fetch = await self._prefetch(following)
                page = self._shaped(page_of, head, endpoint)
                if len(page.items) > largest:
                    raise MalformedResponse(
                        f"a page of {len(page.items)} devices, more than the server's limit "
                        f"of {largest}",
                        endpoint=where(endpoint),
                    )
                problem = bound.take(page.total, len(page.items))
                if problem is not None:
                    raise MalformedResponse(problem, endpoint=where(endpoint))
                twice = _listed_twice([d.id for d in page.items], devices)
                if twice is not None:
                    raise MalformedResponse(
                        f"field 'items': device {visible(clip(twice, 64))!r} is listed twice in "
                        f"one listing (page {bound.pages:,}): a listing names each device once",
                        endpoint=where(endpoint),
                    )
                if cursor is None and bound.received < (bound.total or 0):
                    await self._recount(params, bound)
                yield page
                if repeated:
                    raise MalformedResponse(
                        "field 'next_cursor': the server repeated a cursor",
                        endpoint=where(endpoint),
                    )
                if later is not None:
                    fetch, later = await self._prefetch(later), None
        finally:
            if fetch is not None:
                await _drop(fetch)

    async def _recount(self, params: Mapping[str, str], bound: _PagingBound) -> None:
        """A listing ended short of its first page's ``total``: ask the server's count again;
        :class:`ShortListing` when it still says more than the listing held."""
        again: DevicePage = await self._call(
            "GET", "/devices", params={**params, "limit": "1"}, decode=decode_page
        )
        if again.total > bound.received:
            raise ShortListing(
                bound.received, bound.total or 0, again.total, endpoint=where("GET /devices")
            )
        log.info(
            "GET /devices: the listing held %d of %d devices; the server now counts %d "
            "(deleted while paging)",
            bound.received,
            bound.total,
            again.total,
        )

    async def _prefetch(self, params: Mapping[str, str]) -> asyncio.Task[PageHead]:
        """Start fetching a page; return once its request is on the wire (or it is done).

        A task created and not yet run sends nothing: the caller's decoding would come first
        and the server would sit idle. So the loop is given a few turns, until httpcore's trace
        says the request was sent (transports without that trace just finish or run out of
        turns).
        """
        sent = asyncio.Event()
        task = asyncio.create_task(
            self._call("GET", "/devices", params=params, decode=page_head, sent=sent)
        )
        try:
            for _ in range(_SEND_TURNS):
                if sent.is_set() or task.done():
                    break
                await asyncio.sleep(0)
        except BaseException:  # cancelled while waiting: the task is ours to end
            await _drop(task)
            raise
        return task

    async def iter_devices(
        self,
        group_id: str | None = None,
        include_subgroups: bool = False,
        state: DeviceState | str | None = None,
        q: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Device]:
        pages = self.device_pages(group_id, include_subgroups, state, q, limit)
        async with aclosing(pages):  # a caller that stops early cancels the prefetch now
            async for page in pages:
                for device in page.items:
                    yield device

    async def device(self, device_id: str) -> Device:
        path = f"/devices/{path_segment(device_id)}"
        return self._model(Device.from_json, await self._call("GET", path), f"GET {path}")

    async def changes(self, since: int) -> Changes:
        params = {"since": str(since)}
        changes: Changes = await self._call(
            "GET", "/devices/changes", params=params, decode=decode_changes
        )
        return changes

    async def inactivations(
        self, status: RequestStatus | str | None = None
    ) -> list[InactivationRequest]:
        """Every inactivation request the account can see (all pages), newest first.

        The listing has no ``total`` in the contract, so paging is bounded otherwise: every
        page after the first must bring a request not seen before (a gateway serving the same
        page under a new cursor is caught at once), a ``total``, when a server sends one,
        bounds it like the device listing, and :data:`MAX_REQUEST_PAGES` pages at most. As in
        :meth:`device_pages`, a request id listed twice (on two pages, or twice on one) is a
        protocol error naming it.
        """
        endpoint = "GET /inactivations"
        size = (await self.limits()).max_page_size
        params: dict[str, str] = {"limit": str(size)}
        if status is not None:
            params["status"] = str(status)
        found: list[InactivationRequest] = []
        ids: set[str] = set()
        seen: set[str] = set()
        bound = _PagingBound(size, what="requests")
        pages = 0
        while True:
            data = await self._call("GET", "/inactivations", params=params)
            page = self._list(InactivationRequest.from_json, data, "items", endpoint)
            pages += 1
            total = data.get("total") if isinstance(data, Mapping) else None
            problem = None
            if isinstance(total, int) and not isinstance(total, bool):
                problem = bound.take(total, len(page))
            cursor = data.get("next_cursor") if isinstance(data, Mapping) else None
            fresh = {r.id for r in page} - ids
            if problem is None and pages > 1 and cursor is not None and not fresh:
                problem = (
                    "the server kept handing out new pages with no request not seen before "
                    f"({pages} pages)"
                )
            if problem is None and pages > MAX_REQUEST_PAGES:
                problem = f"the server kept handing out new pages past {MAX_REQUEST_PAGES:,}"
            if problem is None:
                twice = _listed_twice([r.id for r in page], ids)  # adds the page's ids
                if twice is not None:
                    problem = (
                        f"field 'items': request {visible(clip(twice, 64))!r} is listed twice "
                        f"in one listing (page {pages:,}): a listing names each request once"
                    )
            if problem is not None:
                raise MalformedResponse(problem, endpoint=where(endpoint))
            found += page
            if cursor is None:
                return found
            if not isinstance(cursor, str) or cursor in seen:
                raise MalformedResponse(
                    "field 'next_cursor': not a new cursor", endpoint=where(endpoint)
                )
            seen.add(cursor)
            params = {**params, "cursor": cursor}

    async def inactivation(self, request_id: str) -> InactivationRequest:
        path = f"/inactivations/{path_segment(request_id)}"
        return self._model(
            InactivationRequest.from_json, await self._call("GET", path), f"GET {path}"
        )

    async def sim_audit(self) -> list[Mapping[str, Any]] | None:
        """The reference server's audit log (``GET /sim/audit``, sanitized like every answer);
        None from a server without it (a real one, or simulation controls off: 404 or 403)."""
        try:
            data = await self._call("GET", "/sim/audit", auth=False)
        except (NotFound, Forbidden):
            return None
        entries = data.get("entries") if isinstance(data, Mapping) else None
        if not isinstance(entries, list):
            endpoint = where("GET /sim/audit")
            raise MalformedResponse("field 'entries': expected a list", endpoint=endpoint)
        return [e for e in entries if isinstance(e, Mapping)]


# ---------------------------------------------------------------------- helpers


class _PagingBound:
    """How far a listing may page: past its ``total``, a new cursor is a server's fault.

    The first page's ``total`` fixes the bound (a server raising it page after page must not
    move it): at most ``total`` items plus one page of slack (items added while paging), in at
    most twice the pages that needs at ``size`` per page, plus two (a server whose pages come
    out smaller than asked still finishes). Whatever ``total`` says, at most ``most_items``
    items in ``most_pages`` pages (:data:`MAX_LISTING_DEVICES`, :data:`MAX_LISTING_PAGES`).
    """

    def __init__(
        self,
        size: int,
        what: str = "devices",
        most_items: int | None = None,
        most_pages: int | None = None,
    ) -> None:
        self.size = size
        self.what = what
        self.most_items = MAX_LISTING_DEVICES if most_items is None else most_items
        self.most_pages = MAX_LISTING_PAGES if most_pages is None else most_pages
        self.total: int | None = None
        self.pages = 0
        self.received = 0

    def take(self, total: int, count: int) -> str | None:
        """Count one page; the problem (to refuse the listing with) once past the bound."""
        if self.total is None:
            self.total = max(0, total)
        self.pages += 1
        self.received += count
        if self.received > self.most_items or self.pages > self.most_pages:
            return (
                f"the listing is past {self.most_items:,} {self.what} or {self.most_pages:,} "
                f"pages, the most a listing may hold whatever its total says "
                f"({self.pages:,} pages, {self.received:,} {self.what})"
            )
        most = self.total + self.size
        if self.received > most or self.pages > 2 * math.ceil(most / self.size) + 2:
            return (
                f"the server kept handing out new pages past its total of {self.total:,} "
                f"{self.what} ({self.pages:,} pages, {self.received:,} {self.what})"
            )
        return None


def _listed_twice(ids: list[str], listed: set[str]) -> str | None:
    """Add a page's ``ids`` to those ``listed`` before; the first id listed twice, if any
    (on an earlier page, or twice on this one). Two passes over the page at C speed, so a full
    sync pays little for the check."""
    if not listed.isdisjoint(ids):
        return next(i for i in ids if i in listed)
    before = len(listed)
    listed.update(ids)
    if len(listed) - before == len(ids):
        return None
    seen: set[str] = set()
    for device_id in ids:
        if device_id in seen:
            return device_id
        seen.add(device_id)
    return None  # pragma: no cover - the lengths differ only when an id repeats


async def _drop(task: asyncio.Task[Any]) -> None:
    """Cancel a prefetch nobody will read and wait for it to end.

    Nothing is left running after the pages' generator closes, and an error the prefetch met
    is collected here rather than logged as "never retrieved" by asyncio.
    """
    task.add_done_callback(_collect)
    task.cancel()
    await asyncio.wait([task])


def _collect(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
