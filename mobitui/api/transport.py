"""One server's HTTP session: the transport under :class:`~mobitui.api.client.MobiClient`.

It holds the token, the server's clock and limits, and :meth:`Transport._call`, through which
every request goes: it turns every failure into an :class:`~mobitui.api.errors.ApiError` (no
httpx exception escapes) and runs every string of an answer through
:func:`mobitui.domain.text.visible` once, where it enters.

Retries follow one rule: resend only what is safe to resend. A GET, a DELETE and a POST that
carries an ``Idempotency-Key`` are resent (with the same key and body) after a lost connection,
a timeout or a 502/503/504; anything that was certainly not sent (connection refused) is
resent whatever it is; a 429 is waited out (``Retry-After``) for every call. Login, which has
no key, is never resent once it may have reached the server.

Nothing waits or reads without bound. httpx's ``timeout`` is per read, so a server trickling a
byte a second would hold a call forever: each attempt also has an overall deadline
(``attempt_deadline``, from sending to the last byte) and each call another over all its
attempts and the waits between them (``call_deadline``); a body larger than ``max_body`` is
refused without being read. Each of these ends as an error that says which bound was met.

An error that follows an attempt which may have reached the server and acted (a lost answer,
a timeout, a 5xx, a 2xx that could not be read) carries ``maybe_processed``, whatever the
server answered to the retry: a 4xx then never passes for "refused, nothing changed".
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from mobitui import __version__
from mobitui.api.errors import (
    ApiError,
    MalformedResponse,
    Unauthenticated,
    Unreachable,
    from_problem,
)
from mobitui.api.retry import RETRY_STATUSES, Failure, RetryPolicy, classify
from mobitui.api.wire import NotJson, PageHead, clipped, sanitize
from mobitui.domain.models import Account, WireError, usable_token
from mobitui.domain.text import visible

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: The farthest a server's ``Date`` may be from this machine's clock and still be taken as
#: its clock (seconds): a tenant's gateway is minutes off, the reference server's simulated
#: clock days or weeks ahead; a year 9999 (or 100) is a lie that would overflow schedules and
#: stamp records with it.
MAX_CLOCK_SKEW = 366 * 86400.0
DEFAULT_USER_AGENT = f"mobitui/{__version__}"
#: A profile's ``trust``: httpx's certificate store (certifi, the default) or the OS's.
TRUST_CHOICES = ("certifi", "system")

M = TypeVar("M")


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


class _TooSlow(Exception):
    """An attempt met its deadline (internal: becomes a transport failure)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.cause)
        self.failure = failure


class Transport:
    """The session with one server: its token, clock and limits, and every call's plumbing."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | Path | None = None,
        verify: bool = True,
        trust: str = "certifi",
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
        may_use_tls = _may_use_tls(url, proxy, trust_env)
        verify_with = self._tls(ca_bundle, verify, trust) if may_use_tls else False
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

    def _tls(
        self, ca_bundle: str | Path | None, verify: bool, trust: str = "certifi"
    ) -> ssl.SSLContext | bool:
        """An explicit context for a CA bundle (``verify="path"`` is deprecated in httpx).

        ``trust="system"`` (a profile's ``trust``): the operating system's trust store, where
        a corporate CA is installed (:mod:`truststore`), with the CA bundle's certificates
        added when there is one; ``"certifi"`` (the default): httpx's own store, or the bundle.
        """
        if trust not in TRUST_CHOICES:
            raise ValueError(f"trust: one of {', '.join(TRUST_CHOICES)}, not {trust!r}")
        try:
            if trust == "system":
                import truststore  # imported only for the profiles that ask for it

                context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                if ca_bundle is not None:
                    context.load_verify_locations(cafile=str(ca_bundle))
                return context
            if ca_bundle is None:
                return verify
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

    def on_server_clock(self, moment: datetime) -> datetime:
        """``moment`` of this machine's clock as the server's clock had it (the offset of its
        last ``Date`` header): a record that mixes times the server reported (a device's last
        check-in) with times of our own (when a request was sent) keeps them in one order."""
        return moment + timedelta(seconds=self._clock_offset)

    def _note_date(self, header: str | None) -> None:
        if not header:
            return
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        offset = when.timestamp() - time.time()
        if abs(offset) > MAX_CLOCK_SKEW:
            return  # a clock years away is a lie (or a broken gateway), never the server's
        self._clock_offset = offset

    @property
    def account(self) -> Account | None:
        """The account of the last login or :meth:`me` call."""
        return self._account

    async def limits(self) -> Limits:
        """The server's limits, fetched once per client."""
        if self._limits is None:
            # Readable before login (the server needs them to size batches for anyone).
            data = await self._call("GET", "/limits", auth=self._token is not None)
            self._limits = self._model(Limits.from_json, data, "GET /limits")
        return self._limits

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
            began = time.monotonic()
            try:
                response, content = await self._exchange(request, endpoint)
                fault = None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                fault = classify(exc, self._timeout, self._proxy)
            except _TooSlow as slow:
                fault = slow.failure
            if response is None:
                assert fault is not None
                log.info(
                    "%s failed after %s (attempt %d): %s",
                    endpoint, _ms(began), attempt, fault.cause,
                )  # fmt: skip
                acted = acted or not fault.not_sent
                if not last and not fault.permanent and (fault.not_sent or resendable):
                    log.info("%s: retrying in %.1f s", endpoint, policy.backoff(attempt))
                    await policy.sleep(policy.backoff(attempt))
                    continue
                raise ending(Unreachable(self._host, fault.cause, endpoint=endpoint))
            status = response.status_code
            log.info("%s -> %d in %s (attempt %d)", endpoint, status, _ms(began), attempt)
            self._note_date(response.headers.get("date"))
            wait = policy.retry_after(response.headers.get("Retry-After"))
            # A 5xx may come after the server acted (a gateway's 502 to an answer it lost);
            # a 429 is a refusal before anything was done.
            acted = acted or status >= 500
            if not last and (status == 429 or (status in RETRY_STATUSES and resendable)):
                pause = wait if wait is not None else policy.backoff(attempt)
                log.info("%s: %d, retrying in %.1f s", endpoint, status, pause)
                await policy.sleep(pause)
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
        raise MalformedResponse(visible(problem), endpoint=where(endpoint))

    def _shaped(self, decode: Callable[[PageHead], M], head: PageHead, endpoint: str) -> M:
        """Finish decoding a page whose head was read: its errors as :class:`MalformedResponse`."""
        try:
            return decode(head)
        except NotJson as exc:
            problem, code = str(exc), "truncated"
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            problem, code = str(exc) or type(exc).__name__, None
        raise MalformedResponse(visible(problem), code=code, endpoint=where(endpoint))

    def _list(
        self, decode: Callable[[Mapping[str, Any]], M], data: Any, name: str, endpoint: str
    ) -> list[M]:
        """A list answer: a bare array, or an object holding it under ``name`` or ``items``."""
        if isinstance(data, Mapping):
            data = data.get(name, data.get("items"))
        if not isinstance(data, list):
            raise MalformedResponse(f"field {name!r}: expected a list", endpoint=where(endpoint))
        return [self._model(decode, item, endpoint) for item in data]


def _may_use_tls(url: httpx.URL, proxy: str | None, trust_env: bool) -> bool:
    """Whether any connection of this client can be TLS: an https server or an https proxy.

    httpx builds its certificate store, a noticeable part of start-up (bench/README.md), for
    every client, even one that only ever speaks plain HTTP to the demo on loopback;
    ``verify=False`` skips it and changes nothing when no connection is TLS. Requests only ever
    go to ``url`` (no redirects are followed).
    """
    if url.scheme != "http":
        return True
    proxies = [proxy] if proxy else []
    if trust_env:
        names = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
        proxies += [os.environ[n] for n in names if os.environ.get(n)]
    return any(p.lower().startswith("https") for p in proxies)


def _ms(began: float) -> str:
    """Milliseconds since ``began`` (``time.monotonic()``), for the debug log."""
    return f"{(time.monotonic() - began) * 1000:.0f} ms"


def where(endpoint: str) -> str:
    """``"GET /me"`` → ``"GET /api/v1/me"``: errors name the full endpoint."""
    method, _, path = endpoint.partition(" ")
    return f"{method} {API_PREFIX}{path}"


def path_segment(value: str) -> str:
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
