"""The async client of the management API: the only code in mobitui that speaks HTTP.

One :class:`MobiClient` per server. It turns every answer into domain models, every failure
into an :class:`~mobitui.api.errors.ApiError` (no httpx exception escapes), and runs every
string from the server through :func:`mobitui.domain.text.visible` once, where it enters.

Retries follow one rule: resend only what is safe to resend. A GET, a DELETE and a POST that
carries an ``Idempotency-Key`` are resent (with the same key and body) after a lost connection,
a timeout or a 502/503/504; anything that was certainly not sent (connection refused) is
resent whatever it is; a 429 is waited out (``Retry-After``) for every call. Login, which has
no key, is never resent once it may have reached the server.

Nothing waits or reads without bound. httpx's ``timeout`` is per read, so a server trickling a
byte a second would hold a call forever: each attempt also has an overall deadline
(``attempt_deadline``, from sending to the last byte) and each call another over all its
attempts and the waits between them (``call_deadline``); a body larger than ``max_body`` is
refused without being read; paging stops past the listing's ``total``, and past
:data:`MAX_LISTING_DEVICES` devices or :data:`MAX_LISTING_PAGES` pages whatever it says. Each
of these ends as an error that says which bound was met.

A listing is taken only whole: a device listed twice, or a listing that ends short of its
``total`` while the server's count still says more (:class:`~mobitui.api.errors.ShortListing`),
is refused, so nothing is chosen from, or vouched for by, part of a fleet. Ids are exact: one
holding a character :func:`~mobitui.domain.text.visible` would change is refused, never
rewritten (:func:`~mobitui.domain.models.exact_id`).

An error that follows an attempt which may have reached the server and acted (a lost answer,
a timeout, a 5xx, a 2xx that could not be read) carries ``maybe_processed``, whatever the
server answered to the retry: a 4xx then never passes for "refused, nothing changed".

A bulk answer is never trusted for being a 2xx: its outcomes are reconciled with the ids sent
(:mod:`mobitui.domain.reconcile`); an outcome for an id never sent, or two for one id, is a
:class:`~mobitui.api.errors.ProtocolError`.

The confirmation password of destructive calls travels in the request body only: it is never
stored on the client, logged, or put into an error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from mobitui import __version__
from mobitui.api.batches import Batch, Progress, plan_batches, run_batches
from mobitui.api.errors import (
    ApiError,
    BulkIncomplete,
    Conflict,
    MalformedResponse,
    MissingOutcomes,
    ProtocolError,
    ShortListing,
    Unauthenticated,
    Unreachable,
    from_problem,
)
from mobitui.api.retry import RETRY_STATUSES, Failure, RetryPolicy, classify
from mobitui.api.wire import (
    BulkAnswer,
    NotJson,
    PageHead,
    clipped,
    decode_bulk_answer,
    decode_changes,
    decode_page,
    decode_request_answer,
    page_head,
    page_of,
    sanitize,
)
from mobitui.domain.models import (
    Account,
    BulkResult,
    Changes,
    Device,
    DevicePage,
    DeviceState,
    Group,
    InactivationRequest,
    ItemResult,
    RequestStatus,
    Session,
    WireError,
    format_time,
)
from mobitui.domain.reconcile import misfits, reconcile
from mobitui.domain.rules import Action, Delete, ForceInactivate, Inactivate
from mobitui.domain.text import clip, visible

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DEFAULT_USER_AGENT = f"mobitui/{__version__}"

M = TypeVar("M")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Limits:
    """What the server accepts: device ids per bulk call and items per page; and which
    database it serves (``instance_id``, optional: without it the fleet cache is not reused)."""

    max_bulk_devices: int
    max_page_size: int
    instance_id: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Limits:
        values: dict[str, Any] = {}
        for name in ("max_bulk_devices", "max_page_size"):
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"field {name!r}: expected a positive integer")
            values[name] = value
        instance = data.get("instance_id")
        values["instance_id"] = instance if isinstance(instance, str) and instance else None
        return cls(**values)


#: Turns of the event loop a prefetch may take to put its request on the wire before the
#: caller goes on decoding (it usually needs four or five; a new connection needs more and
#: simply goes out later).
_SEND_TURNS = 16

#: From sending a request to the last byte of its answer, at most this long (seconds). A page
#: of 1,000 devices is about 0.5 MB (a few MB with long names): two minutes allow it at
#: 64 kB/s. A bulk call of 1,000 devices must answer its headers within the per-read
#: ``timeout`` (30 s) anyway, and its body is about 100 kB.
ATTEMPT_DEADLINE = 120.0
#: One call, every attempt and every wait between them (``Retry-After`` up to 60 s) included.
CALL_DEADLINE = 300.0
#: The largest answer body read (bytes). A page of 1,000 devices is about 0.5 MB; the change
#: feed after every one of 100,000 devices changed about 46 MB. A larger answer is refused
#: (:class:`MalformedResponse`, code ``too_large``) without being read: a 1.7 GB answer once
#: froze the TUI.
MAX_BODY = 64 * 1024 * 1024
#: Paging stops past this many pages of ``GET /inactivations`` (which gives no ``total``): a
#: million requests at 1,000 a page, more than any tenant has.
MAX_REQUEST_PAGES = 1000
#: Whatever its ``total`` says, a device listing is refused past this many devices (ten times
#: the 100,000 of the largest fleet mobitui is built for) ...
MAX_LISTING_DEVICES = 1_000_000
#: ... or past this many pages (a million devices at 100 a page): a gateway announcing a
#: total of 10**9 with an endless cursor was paged 1,501 times over the same ten devices.
MAX_LISTING_PAGES = 10_000
#: The longest bearer token accepted (HTTP servers commonly refuse headers beyond 8 KB).
MAX_TOKEN = 8192


def usable_token(token: object) -> bool:
    """A bearer token that can go in a header as it is: printable ASCII without spaces.

    Anything else (a server's non-ASCII "token") made httpx's header encoding raise deep in
    every later call; such a token is never adopted, used or cached.
    """
    return (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN
        and token.isascii()
        and token.isprintable()
        and " " not in token
    )


class _TooSlow(Exception):
    """An attempt met its deadline (internal: becomes a transport failure)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.cause)
        self.failure = failure


class MobiClient:
    """Async client of the management API v1; use it as ``async with MobiClient(...) as c``."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | Path | None = None,
        verify: bool = True,
        proxy: str | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - a frozen value, safe to share
        user_agent: str = DEFAULT_USER_AGENT,
        trust_env: bool = True,
        attempt_deadline: float = ATTEMPT_DEADLINE,
        call_deadline: float = CALL_DEADLINE,
        max_body: int = MAX_BODY,
    ) -> None:
        """``timeout`` bounds each read (httpx's); ``attempt_deadline`` one attempt from
        sending to the last byte; ``call_deadline`` a whole call, retries and waits included;
        ``max_body`` the bytes of one answer (see the constants of the same names)."""
        if min(attempt_deadline, call_deadline) <= 0 or max_body < 1:
            raise ValueError("deadlines and max_body must be positive")
        try:
            url = httpx.URL(base_url.rstrip("/"))
        except httpx.InvalidURL:
            url = httpx.URL()
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"not an http(s) server address: {base_url!r}")
        self._host = url.host if url.port is None else f"{url.host}:{url.port}"
        self._proxy = proxy
        self._timeout = timeout
        self._attempt_deadline = attempt_deadline
        self._call_deadline = call_deadline
        self._max_body = max_body
        self._retry = retry
        self._token: str | None = None
        self.use_token(token)
        self._account: Account | None = None
        self._limits: Limits | None = None
        #: Server clock minus ours, from the last answer's ``Date`` header (seconds).
        self._clock_offset = 0.0
        verify_with = self._tls(ca_bundle, verify) if _may_use_tls(url, proxy, trust_env) else False
        try:
            self._http = httpx.AsyncClient(
                base_url=str(url) + API_PREFIX,
                verify=verify_with,
                proxy=proxy,
                timeout=timeout,
                transport=transport,
                trust_env=trust_env,
                follow_redirects=False,
                headers={"User-Agent": user_agent, "Accept": "application/json"},
            )
        except ImportError:
            # httpx imports socksio only for a socks5:// proxy (the profile's, or ALL_PROXY's).
            # It is a dependency (httpx[socks]); a broken install still gets a sentence.
            raise Unreachable(
                self._host,
                "a socks5:// proxy needs the 'socksio' package (pip install 'httpx[socks]')",
            ) from None

    def _tls(self, ca_bundle: str | Path | None, verify: bool) -> ssl.SSLContext | bool:
        """An explicit context for a CA bundle (``verify="path"`` is deprecated in httpx)."""
        if ca_bundle is None:
            return verify
        try:
            return ssl.create_default_context(cafile=str(ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise Unreachable(self._host, visible(f"cannot load the CA bundle {ca_bundle}: {reason}"))

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        state = "logged in" if self._token else "logged out"
        return f"<MobiClient {self._host} {state}>"

    @property
    def host(self) -> str:
        return self._host

    @property
    def token(self) -> str | None:
        """The bearer token of the current session (never logged, never in a repr)."""
        return self._token

    def use_token(self, token: str | None) -> bool:
        """Adopt a token obtained earlier (the 0600 token cache); ``None`` forgets it.

        A token that is not :func:`usable_token` (a cache an older mobitui wrote from a broken
        server's answer) is refused and False returned: the client then holds none, so the
        next call raises :class:`Unauthenticated` before anything is sent, which every caller
        already answers by forgetting the cache and logging in again.
        """
        if token is not None and not usable_token(token):
            log.warning("refusing a cached token that is not printable ASCII")
            self._token = None
            return False
        self._token = token
        return True

    def server_now(self) -> datetime:
        """The server's "now", as its last ``Date`` header put it (ours until one arrives).

        Schedules and "seen recently" are judged on the server's clock: a tenant gateway's
        clock, or the reference server's simulated one, may differ from this machine's.
        """
        return datetime.now(UTC) + timedelta(seconds=self._clock_offset)

    def _note_date(self, header: str | None) -> None:
        if not header:
            return
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        self._clock_offset = when.timestamp() - time.time()

    @property
    def account(self) -> Account | None:
        """The account of the last login or :meth:`me` call."""
        return self._account

    # ------------------------------------------------------------------ auth

    async def login(self, account: str, password: str) -> Session:
        """Log in and keep the token for every later call."""
        body = {"account": account, "password": password}
        data = await self._call("POST", "/auth/login", body=body, auth=False)
        session = self._model(Session.from_json, data, "POST /auth/login")
        if not usable_token(session.token):
            # Never adopted, so never cached nor sent: httpx cannot encode it into a header.
            raise MalformedResponse(
                "field 'token': not a usable bearer token (printable ASCII without spaces, "
                f"at most {MAX_TOKEN} characters)",
                endpoint=_where("POST /auth/login"),
            )
        self._token = session.token
        self._account = session.account
        return session

    async def logout(self) -> None:
        """Revoke the token. A token the server already considers gone counts as logged out."""
        if self._token is None:
            return
        try:
            await self._call("POST", "/auth/logout", resendable=True)
        except Unauthenticated:
            pass  # revoked already (perhaps by our own first try whose answer was lost)
        finally:
            self._token = None
            self._account = None

    async def me(self) -> Account:
        account = self._model(Account.from_json, await self._call("GET", "/me"), "GET /me")
        self._account = account
        return account

    async def limits(self) -> Limits:
        """The server's limits, fetched once per client."""
        if self._limits is None:
            # Readable before login (the server needs them to size batches for anyone).
            data = await self._call("GET", "/limits", auth=self._token is not None)
            self._limits = self._model(Limits.from_json, data, "GET /limits")
        return self._limits

    # ------------------------------------------------------------------ reading

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
    ) -> AsyncIterator[DevicePage]:
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
        handing out a new cursor forever was otherwise paged 10,496 times in 20 seconds.
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
                        endpoint=_where(endpoint),
                    )
                problem = bound.take(page.total, len(page.items))
                if problem is not None:
                    raise MalformedResponse(problem, endpoint=_where(endpoint))
                twice = _listed_twice([d.id for d in page.items], devices)
                if twice is not None:
                    raise MalformedResponse(
                        f"field 'items': device {visible(clip(twice, 64))!r} is listed twice in "
                        f"one listing (page {bound.pages:,}): a listing names each device once",
                        endpoint=_where(endpoint),
                    )
                if cursor is None and bound.received < (bound.total or 0):
                    await self._recount(params, bound)
                yield page
                if repeated:
                    raise MalformedResponse(
                        "field 'next_cursor': the server repeated a cursor",
                        endpoint=_where(endpoint),
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
                bound.received, bound.total or 0, again.total, endpoint=_where("GET /devices")
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
        path = f"/devices/{_seg(device_id)}"
        return self._model(Device.from_json, await self._call("GET", path), f"GET {path}")

    async def changes(self, since: int) -> Changes:
        params = {"since": str(since)}
        changes: Changes = await self._call(
            "GET", "/devices/changes", params=params, decode=decode_changes
        )
        return changes

    # ------------------------------------------------------------------ bulk, one batch

    async def plan(self, device_ids: Iterable[str]) -> list[Batch]:
        """Batches sized to the server's ``max_bulk_devices``, each with a fresh key."""
        return plan_batches(device_ids, (await self.limits()).max_bulk_devices)

    async def send_inactivation(
        self,
        batch: Batch,
        *,
        remove_apple_mdm_profile: bool = False,
        scheduled_at: datetime | None = None,
        password: str,
        agree: bool,
    ) -> InactivationRequest:
        """One ``POST /inactivations``; resending the same batch is safe (same key).

        The answer is reconciled with the batch (:meth:`_reconciled`): a :class:`ProtocolError`
        when it names an id never sent or one twice; devices it gives no outcome for are left
        for the caller to find (the journal's fold keeps that batch open).
        """
        body = {
            "device_ids": list(batch.device_ids),
            "remove_apple_mdm_profile": remove_apple_mdm_profile,
            "scheduled_at": format_time(scheduled_at),
            "password": password,
            "agree": agree,
        }
        answer = await self._call(
            "POST", "/inactivations", body=body, key=batch.key, decode=decode_request_answer
        )
        action = Inactivate(remove_apple_mdm_profile, scheduled_at)
        return self._reconciled(batch, action, answer, "POST /inactivations")

    async def send_forced(
        self, batch: Batch, *, delete_after: bool = False, password: str, agree: bool
    ) -> BulkResult:
        """One ``POST /forced-inactivations``, reconciled like :meth:`send_inactivation`."""
        body = {
            "device_ids": list(batch.device_ids),
            "delete_after": delete_after,
            "password": password,
            "agree": agree,
        }
        answer = await self._call(
            "POST", "/forced-inactivations", body=body, key=batch.key, decode=decode_bulk_answer
        )
        action = ForceInactivate(delete_after=delete_after)
        return self._reconciled(batch, action, answer, "POST /forced-inactivations")

    async def send_deletion(self, batch: Batch, *, password: str, agree: bool) -> BulkResult:
        """One ``POST /device-deletions``, reconciled like :meth:`send_inactivation`."""
        body = {"device_ids": list(batch.device_ids), "password": password, "agree": agree}
        answer = await self._call(
            "POST", "/device-deletions", body=body, key=batch.key, decode=decode_bulk_answer
        )
        return self._reconciled(batch, Delete(), answer, "POST /device-deletions")

    def _reconciled(self, batch: Batch, action: Action, answer: BulkAnswer[R], endpoint: str) -> R:
        """The answer's result, once its outcomes are known to be about the ids sent and to
        fit the action sent.

        An outcome for an id never sent, two for one id, or one the action cannot have
        (``accepted`` for a deletion, ``deleted`` for an inactivation, an accepted device not
        deleted by a forced inactivation with ``delete_after``:
        :func:`~mobitui.domain.reconcile.misfits`), and nothing in the answer is believed:
        :class:`ProtocolError` (no status: the server may have acted, so the batch is not
        refused but stays open). Ids without an outcome (left out, or unreadable) are not an
        error here: the result holds the outcomes that are known, and whoever records it sees
        the rest missing (:class:`~mobitui.domain.operation.OperationState`).
        """
        items: list[ItemResult] = answer.result.items  # type: ignore[attr-defined]
        check = reconcile(batch.device_ids, answer.device_ids, misfits(action, items))
        if check.broken:
            raise ProtocolError(check.explain(), endpoint=_where(endpoint))
        if check.missing:
            log.warning("%s: %s", endpoint, check.explain())
        return answer.result

    # ------------------------------------------------------------------ bulk, whole runs

    async def inactivate(
        self,
        device_ids: Iterable[str],
        *,
        remove_apple_mdm_profile: bool = False,
        scheduled_at: datetime | None = None,
        password: str,
        agree: bool,
        concurrency: int = 4,
        on_progress: Progress | None = None,
    ) -> list[InactivationRequest]:
        """一括インアクティベーション of any number of devices, batched to the server's limit."""

        def send(batch: Batch) -> Awaitable[InactivationRequest]:
            return self.send_inactivation(
                batch,
                remove_apple_mdm_profile=remove_apple_mdm_profile,
                scheduled_at=scheduled_at,
                password=password,
                agree=agree,
            )

        return await self._run(device_ids, send, concurrency, on_progress)

    async def force_inactivate(
        self,
        device_ids: Iterable[str],
        *,
        delete_after: bool = False,
        password: str,
        agree: bool,
        concurrency: int = 4,
        on_progress: Progress | None = None,
    ) -> list[BulkResult]:
        """強制インアクティベーション (and, with ``delete_after``, deletion of the records)."""

        def send(batch: Batch) -> Awaitable[BulkResult]:
            return self.send_forced(
                batch, delete_after=delete_after, password=password, agree=agree
            )

        return await self._run(device_ids, send, concurrency, on_progress)

    async def delete_devices(
        self,
        device_ids: Iterable[str],
        *,
        password: str,
        agree: bool,
        concurrency: int = 4,
        on_progress: Progress | None = None,
    ) -> list[BulkResult]:
        """端末一括削除: only inactive devices are deleted, the rest come back ``refused``."""

        def send(batch: Batch) -> Awaitable[BulkResult]:
            return self.send_deletion(batch, password=password, agree=agree)

        return await self._run(device_ids, send, concurrency, on_progress)

    async def _run(
        self,
        device_ids: Iterable[str],
        send: Callable[[Batch], Awaitable[R]],
        concurrency: int,
        on_progress: Progress | None,
    ) -> list[R]:
        """Every batch; without a journal to keep one open, a batch whose answer lacks an
        outcome ends the run as :class:`BulkIncomplete` (cause :class:`MissingOutcomes`)
        instead of passing for done."""
        batches = await self.plan(device_ids)
        results = await run_batches(batches, send, concurrency=concurrency, on_progress=on_progress)
        done: list[tuple[Batch, R]] = []
        short: list[tuple[Batch, ApiError]] = []
        for batch, result in zip(batches, results, strict=True):
            items = getattr(result, "items", ())
            check = reconcile(batch.device_ids, [item.device_id for item in items])
            if check.missing:
                short.append((batch, MissingOutcomes(check.explain())))
            else:
                done.append((batch, result))
        if short:
            raise BulkIncomplete(done, short, [])
        return results

    # ------------------------------------------------------------------ requests

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
                raise MalformedResponse(problem, endpoint=_where(endpoint))
            found += page
            if cursor is None:
                return found
            if not isinstance(cursor, str) or cursor in seen:
                raise MalformedResponse(
                    "field 'next_cursor': not a new cursor", endpoint=_where(endpoint)
                )
            seen.add(cursor)
            params = {**params, "cursor": cursor}

    async def inactivation(self, request_id: str) -> InactivationRequest:
        path = f"/inactivations/{_seg(request_id)}"
        return self._model(
            InactivationRequest.from_json, await self._call("GET", path), f"GET {path}"
        )

    async def cancel_inactivation(self, request_id: str) -> InactivationRequest:
        """Cancel a scheduled request; :class:`Conflict` once it has executed.

        Cancelling is idempotent here: if the request is already cancelled (say our first try
        succeeded but its answer was lost) the cancelled request is returned.
        """
        path = f"/inactivations/{_seg(request_id)}"
        try:
            data = await self._call("DELETE", path)
        except Conflict:
            current = await self.inactivation(request_id)
            if current.status is RequestStatus.CANCELLED:
                return current
            raise
        if isinstance(data, Mapping) and data:
            return self._model(InactivationRequest.from_json, data, f"DELETE {path}")
        return await self.inactivation(request_id)

    # ------------------------------------------------------------------ plumbing

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        key: str | None = None,
        auth: bool = True,
        resendable: bool = False,
        decode: Callable[[bytes], Any] | None = None,
        sent: asyncio.Event | None = None,
    ) -> Any:
        """One logical call: send, retry what is safe to retry, decode and sanitize the JSON.

        ``decode`` turns the body of a 2xx answer into a model (:mod:`mobitui.api.wire`: fast,
        and sanitized like the rest); a body it finds not to be JSON at all is retried like a
        truncated one. ``sent`` is set once the request has been sent (httpcore's trace).

        The whole call, every attempt and every wait between them, must end within
        ``call_deadline``: a server that answers slowly every time cannot hold it longer.
        """
        endpoint = f"{method} {API_PREFIX}{path}"
        headers: dict[str, str] = {}
        token = self._token
        if auth:
            if token is None:
                raise Unauthenticated("Not logged in.", endpoint=endpoint)
            headers["Authorization"] = f"Bearer {token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        resendable = resendable or method in ("GET", "DELETE") or key is not None
        extensions = {} if sent is None else {"trace": _tracer(sent)}
        request = self._http.build_request(
            method, path, params=params, json=body, headers=headers, extensions=extensions
        )
        deadline = asyncio.timeout(self._call_deadline)
        try:
            async with deadline:
                return await self._attempts(request, endpoint, token, auth, resendable, decode)
        except TimeoutError:
            if not deadline.expired():
                raise
        raise Unreachable(
            self._host,
            f"no complete answer within {self._call_deadline:g} s, retries included",
            maybe_processed=method != "GET",
            endpoint=endpoint,
        )

    async def _attempts(
        self,
        request: httpx.Request,
        endpoint: str,
        token: str | None,
        auth: bool,
        resendable: bool,
        decode: Callable[[bytes], Any] | None,
    ) -> Any:
        """The retry loop of :meth:`_call` (which bounds it in time).

        It remembers whether an attempt may have reached the server and acted (``acted``: a
        connection lost after sending, a timeout, a 5xx, a 2xx whose body could not be read).
        Whatever error then ends the call carries ``maybe_processed``: a 4xx to the retry of
        a bulk call whose first attempt did act (a gateway's 409 ``idempotency_key_in_use``)
        must never be taken for "refused, nothing changed". GETs change nothing: never marked.
        """
        method = request.method
        changes = method != "GET"
        policy = self._retry
        attempt = 0
        acted = False

        def ending(error: ApiError) -> ApiError:
            return error.mark_maybe_processed() if acted and changes else error

        while True:
            attempt += 1
            last = attempt >= policy.max_attempts
            response: httpx.Response | None = None
            content = b""
            try:
                response, content = await self._exchange(request, endpoint)
                fault = None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                fault = classify(exc, self._timeout, self._proxy)
            except _TooSlow as slow:
                fault = slow.failure
            if response is None:
                assert fault is not None
                log.debug("%s failed (attempt %d): %s", endpoint, attempt, fault.cause)
                acted = acted or not fault.not_sent
                if not last and not fault.permanent and (fault.not_sent or resendable):
                    await policy.sleep(policy.backoff(attempt))
                    continue
                raise ending(Unreachable(self._host, fault.cause, endpoint=endpoint))
            status = response.status_code
            log.debug("%s -> %d (attempt %d)", endpoint, status, attempt)
            self._note_date(response.headers.get("date"))
            wait = policy.retry_after(response.headers.get("Retry-After"))
            # A 5xx may come after the server acted (a gateway's 502 to an answer it lost);
            # a 429 is a refusal before anything was done.
            acted = acted or status >= 500
            if not last and (status == 429 or (status in RETRY_STATUSES and resendable)):
                await policy.sleep(wait if wait is not None else policy.backoff(attempt))
                continue
            if 200 <= status < 300:
                if decode is not None:
                    data, problem = _decode_with(decode, response, content, endpoint)
                elif status == 204 or not content:
                    return None
                else:
                    data, problem = _decode(response, content, endpoint)
                if problem is None:
                    return data
                acted = True  # a 2xx: the server did act, whatever its body says
                if problem.code == "truncated" and resendable and not last:
                    await policy.sleep(policy.backoff(attempt))
                    continue
                raise ending(problem)
            error = _error(response, content, endpoint, wait)
            if auth and isinstance(error, Unauthenticated) and self._token == token:
                self._token = None  # the TUI brings the login back (unless it already has)
            raise ending(error)

    async def _exchange(
        self, request: httpx.Request, endpoint: str
    ) -> tuple[httpx.Response, bytes]:
        """One attempt: send, then read the whole body, within ``attempt_deadline``.

        httpx's timeout bounds each read, not the answer: a server sending a byte a second
        never trips it. Past the deadline the attempt is a transport failure (retried when
        resending is safe) whose cause says whether anything had arrived.
        """
        answered = False
        deadline = asyncio.timeout(self._attempt_deadline)
        try:
            async with deadline:
                response = await self._http.send(request, stream=True)
                answered = True
                try:
                    content = await self._read(response, endpoint)
                finally:
                    await response.aclose()
        except TimeoutError:
            if not deadline.expired():
                raise
            limit = f"{self._attempt_deadline:g} s"
            cause = (
                f"no complete answer within {limit} (the server kept sending)"
                if answered
                else f"no answer within {limit}"
            )
            raise _TooSlow(Failure(cause, not_sent=False, permanent=False)) from None
        return response, content

    async def _read(self, response: httpx.Response, endpoint: str) -> bytes:
        """The body, refused once it is larger than ``max_body`` (before reading it, when its
        ``Content-Length`` says so; else as soon as the bytes read pass it)."""
        cap = self._max_body
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(response, cap, endpoint)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _too_large(response, cap, endpoint)
            chunks.append(chunk)
        return b"".join(chunks)

    def _model(self, decode: Callable[[Mapping[str, Any]], M], data: Any, endpoint: str) -> M:
        """Build a model, turning a shape error into :class:`MalformedResponse`."""
        if not isinstance(data, Mapping):
            problem = f"expected an object, got {type(data).__name__}"
        else:
            try:
                return clipped(decode(data))
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                problem = str(exc) or type(exc).__name__
        raise MalformedResponse(visible(problem), endpoint=_where(endpoint))

    def _shaped(self, decode: Callable[[PageHead], M], head: PageHead, endpoint: str) -> M:
        """Finish decoding a page whose head was read: its errors as :class:`MalformedResponse`."""
        try:
            return decode(head)
        except NotJson as exc:
            problem, code = str(exc), "truncated"
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            problem, code = str(exc) or type(exc).__name__, None
        raise MalformedResponse(visible(problem), code=code, endpoint=_where(endpoint))

    def _list(
        self, decode: Callable[[Mapping[str, Any]], M], data: Any, name: str, endpoint: str
    ) -> list[M]:
        """A list answer: a bare array, or an object holding it under ``name`` or ``items``."""
        if isinstance(data, Mapping):
            data = data.get(name, data.get("items"))
        if not isinstance(data, list):
            raise MalformedResponse(f"field {name!r}: expected a list", endpoint=_where(endpoint))
        return [self._model(decode, item, endpoint) for item in data]


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
    (on an earlier page, or twice on this one). Two passes over the page at C speed: about
    4 ms for the 100,000 devices of a full sync."""
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


def _may_use_tls(url: httpx.URL, proxy: str | None, trust_env: bool) -> bool:
    """Whether any connection of this client can be TLS: an https server or an https proxy.

    httpx builds its certificate store (about 45 ms) for every client, even one that only ever
    speaks plain HTTP to the demo on loopback; ``verify=False`` skips it and changes nothing
    when no connection is TLS. Requests only ever go to ``url`` (no redirects are followed).
    """
    if url.scheme != "http":
        return True
    proxies = [proxy] if proxy else []
    if trust_env:
        names = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
        proxies += [os.environ[n] for n in names if os.environ.get(n)]
    return any(p.lower().startswith("https") for p in proxies)


def _where(endpoint: str) -> str:
    """``"GET /me"`` → ``"GET /api/v1/me"``: errors name the full endpoint."""
    method, _, path = endpoint.partition(" ")
    return f"{method} {API_PREFIX}{path}"


def _seg(value: str) -> str:
    """An id as one path segment: never lets ``../`` or ``?`` change the URL."""
    return quote(value, safe="")


def _size(count: int) -> str:
    """``64 MiB``, ``1.5 KiB``, ``12 bytes``: a body limit in words."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def _too_large(response: httpx.Response, cap: int, endpoint: str) -> MalformedResponse:
    return MalformedResponse(
        f"the answer is larger than {_size(cap)}; the client reads no more of it",
        status=response.status_code,
        code="too_large",
        endpoint=endpoint,
    )


def _error(response: httpx.Response, content: bytes, endpoint: str, wait: float | None) -> ApiError:
    """The typed error for a non-2xx answer (a problem document, or whatever a proxy sent)."""
    status = response.status_code
    if 300 <= status < 400:
        return MalformedResponse(
            f"unexpected redirect ({status})", status=status, endpoint=endpoint
        )
    data, _ = _decode(response, content, endpoint)
    doc = data if isinstance(data, Mapping) else None
    return from_problem(status, doc, endpoint=endpoint, retry_after=wait)


def _not_json(response: httpx.Response, endpoint: str) -> MalformedResponse | None:
    """The problem with an answer whose content type is not JSON (``None`` when it is)."""
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        return None
    shown = visible(ctype) or "none"
    why = f"expected JSON, got content type {shown!r}"
    return MalformedResponse(why, status=response.status_code, endpoint=endpoint)


def _truncated(response: httpx.Response, endpoint: str) -> MalformedResponse:
    why = "the body is not valid JSON (truncated?)"
    return MalformedResponse(why, status=response.status_code, code="truncated", endpoint=endpoint)


def _decode(
    response: httpx.Response, content: bytes, endpoint: str
) -> tuple[Any, MalformedResponse | None]:
    """The sanitized JSON of an answer, or the problem with it (never raised from an except)."""
    problem = _not_json(response, endpoint)
    if problem is not None:
        return None, problem
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return None, _truncated(response, endpoint)
    try:
        return sanitize(data), None
    except WireError as exc:  # an id that cannot be shown as it is: refused, never rewritten
        why = visible(str(exc))
    return None, MalformedResponse(why, status=response.status_code, endpoint=endpoint)


def _decode_with(
    decode: Callable[[bytes], Any], response: httpx.Response, content: bytes, endpoint: str
) -> tuple[Any, MalformedResponse | None]:
    """An answer through ``decode``, or the problem with it (never raised from an except)."""
    if response.status_code == 204 or not content:
        return None, MalformedResponse("expected an object, got NoneType", endpoint=endpoint)
    problem = _not_json(response, endpoint)
    if problem is not None:
        return None, problem
    try:
        return decode(content), None
    except NotJson:
        return None, _truncated(response, endpoint)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        why = visible(str(exc) or type(exc).__name__)
    return None, MalformedResponse(why, endpoint=endpoint)


def _tracer(sent: asyncio.Event) -> Callable[[str, Mapping[str, Any]], Awaitable[None]]:
    """An httpcore trace callback that sets ``sent`` once the request is on the wire."""

    async def trace(name: str, info: Mapping[str, Any]) -> None:
        if name.endswith(".receive_response_headers.started"):
            sent.set()

    return trace


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
