"""The client against scripted answers: retries, error mapping, sanitizing, secrecy.

These answers are ones the reference server never gives (truncated JSON, HTML from a proxy,
escape sequences in names), so they are scripted here; every behaviour the real server shows
is tested against it in the other files of this folder.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mobitui.api.batches import plan_batches
from mobitui.api.client import MobiClient
from mobitui.api.errors import (
    ApiError,
    Conflict,
    Forbidden,
    InvalidCredentials,
    InvalidPassword,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    TooManyDevices,
    Unauthenticated,
    Unreachable,
    ValidationFailed,
)
from mobitui.api.retry import RetryPolicy
from mobitui.api.wire import sanitize
from mobitui.domain.models import (
    Account,
    Device,
    DeviceState,
    Enrollment,
    Platform,
    Role,
)

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
SECRET = "s3cr3t-pa55"


def device_json(device_id: str = "d1", name: str = "iPad 1") -> dict[str, Any]:
    return Device(
        id=device_id,
        name=name,
        group_id="g1",
        platform=Platform.IPADOS,
        os_version="17.2",
        model="iPad",
        serial="SER1",
        user_name="Sato",
        phone_number="090",
        enrollment=Enrollment.APPLE_MDM,
        dep=False,
        android_device_owner=False,
        dep_profile_removal_forbidden=False,
        silent_wlan=False,
        safari_restricted=False,
        state=DeviceState.ACTIVE,
        pending_jobs=0,
        last_seen_at=NOW,
    ).to_json()


def session_json() -> dict[str, Any]:
    account = Account("a1", "admin", Role.ADMIN, None, True).to_json()
    return {"token": "tok-1", "expires_at": "2025-04-01T10:00:00+00:00", "account": account}


#: The answer of ``GET /limits``: paging asks for the largest page it allows.
LIMITS = {"max_bulk_devices": 1000, "max_page_size": 1000}


def bulk_json(ids: list[str]) -> dict[str, Any]:
    items = [{"device_id": i, "outcome": "accepted", "reason": None} for i in ids]
    return {"id": "f1", "cancelled_jobs": 0, "items": items}


def problem(status: int, code: str, detail: str = "", **headers: str) -> httpx.Response:
    body = {"type": "about:blank", "title": code, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/problem+json", **headers},
    )


Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers calls in order; records every request (method, path, key, body)."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(script: Script, token: str | None = "tok", **policy: Any) -> tuple[MobiClient, Sleeps]:
    sleeps = Sleeps()
    retry = RetryPolicy(sleep=sleeps, jitter=0.0, base_delay=1.0, **policy)
    client = MobiClient(
        "http://mdm.example:8765",
        token=token,
        transport=httpx.MockTransport(script),
        retry=retry,
    )
    return client, sleeps


def ok(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


# ---------------------------------------------------------------------- requests


async def test_base_url_gets_the_api_prefix_and_bearer_token():
    script = Script(ok(device_json()))
    client, _ = make(script)
    async with client:
        device = await client.device("d/1?x")
    assert device.id == "d1"
    request = script.requests[0]
    assert request.url.raw_path == b"/api/v1/devices/d%2F1%3Fx"
    assert request.headers["authorization"] == "Bearer tok"
    assert request.headers["user-agent"].startswith("mobitui/")


async def test_not_logged_in_fails_locally():
    script = Script()
    client, _ = make(script, token=None)
    async with client:
        with pytest.raises(Unauthenticated):
            await client.me()
    assert script.requests == []


async def test_login_stores_the_token_and_logout_forgets_it():
    script = Script(ok(session_json()), httpx.Response(204))
    client, _ = make(script, token=None)
    async with client:
        session = await client.login("admin", SECRET)
        assert client.token == "tok-1" == session.token
        assert client.account is not None and client.account.name == "admin"
        await client.logout()
        assert client.token is None
    assert "authorization" not in script.requests[0].headers
    assert json.loads(script.requests[0].content) == {"account": "admin", "password": SECRET}
    assert script.requests[1].headers["authorization"] == "Bearer tok-1"
    assert SECRET not in repr(client) and "tok-1" not in repr(client)


# ---------------------------------------------------------------------- retries


async def test_get_is_retried_after_lost_connection_timeout_and_503():
    script = Script(
        httpx.RemoteProtocolError("Server disconnected"),
        httpx.ReadTimeout("timed out"),
        problem(503, "unavailable"),
        ok(device_json()),
    )
    client, sleeps = make(script)
    async with client:
        assert (await client.device("d1")).id == "d1"
    assert sleeps == [1.0, 2.0, 4.0]


async def test_keyed_post_is_resent_with_same_key_and_body():
    script = Script(httpx.ReadError("reset"), problem(502, "bad_gateway"), ok(bulk_json(["a"])))
    client, _ = make(script)
    async with client:
        batch = plan_batches(["a"], 1000)[0]
        result = await client.send_forced(batch, password=SECRET, agree=True)
    assert [i.device_id for i in result.items] == ["a"]
    keys = {r.headers["idempotency-key"] for r in script.requests}
    bodies = {r.content for r in script.requests}
    assert keys == {batch.key} and len(bodies) == 1 and len(script.requests) == 3


async def test_login_is_not_resent_once_it_may_have_arrived():
    script = Script(httpx.ReadError("reset"))
    client, sleeps = make(script, token=None)
    async with client:
        with pytest.raises(Unreachable) as info:
            await client.login("admin", SECRET)
    assert len(script.requests) == 1 and sleeps == []
    assert info.value.maybe_processed
    assert "may or may not" in info.value.message


async def test_login_503_is_not_retried_but_connect_refused_is():
    script = Script(httpx.ConnectError("[Errno 111] Connection refused"), problem(503, "down"))
    client, sleeps = make(script, token=None)
    async with client:
        with pytest.raises(ServerError):
            await client.login("admin", SECRET)
    assert len(script.requests) == 2 and sleeps == [1.0]


async def test_429_waits_retry_after_capped_for_every_call_including_login():
    script = Script(
        problem(429, "rate_limited", **{"Retry-After": "7"}),
        problem(429, "rate_limited", **{"Retry-After": "9999"}),
        ok(session_json()),
    )
    client, sleeps = make(script, token=None, max_retry_after=60.0)
    async with client:
        await client.login("admin", SECRET)
    assert sleeps == [7.0, 60.0]


async def test_429_after_all_attempts_is_rate_limited_with_retry_after():
    script = Script(*[problem(429, "rate_limited", **{"Retry-After": "5"}) for _ in range(2)])
    client, sleeps = make(script, max_attempts=2)
    async with client:
        with pytest.raises(RateLimited) as info:
            await client.me()
    assert info.value.retry_after == 5.0 and sleeps == [5.0]
    assert "5 s" in info.value.message


async def test_other_4xx_are_never_retried():
    script = Script(problem(404, "not_found"))
    client, sleeps = make(script)
    async with client:
        with pytest.raises(NotFound):
            await client.device("x")
    assert len(script.requests) == 1 and sleeps == []


async def test_retries_exhausted_become_unreachable_naming_the_host():
    script = Script(*[httpx.ConnectError("[Errno 111] Connection refused") for _ in range(4)])
    client, sleeps = make(script)
    async with client:
        with pytest.raises(Unreachable) as info:
            await client.groups()
    assert len(sleeps) == 3
    assert info.value.host == "mdm.example:8765"
    assert info.value.message == "Cannot reach mdm.example:8765: connection refused."
    assert info.value.__cause__ is None and info.value.__context__ is None


async def test_read_timeouts_exhausted_say_how_long_and_that_the_outcome_is_unknown():
    script = Script(*[httpx.ReadTimeout("timed out") for _ in range(2)])
    client, sleeps = make(script, max_attempts=2)
    async with client:
        batch = plan_batches(["a"], 10)[0]
        with pytest.raises(Unreachable) as info:
            await client.send_forced(batch, password=SECRET, agree=True)
    assert len(script.requests) == 2 and sleeps == [1.0]
    assert info.value.message == (
        "Cannot reach mdm.example:8765: no answer within 30 s. "
        "The request may or may not have been processed."
    )


async def test_tls_failures_are_not_retried_and_say_so():
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cause.verify_message = "self-signed certificate"
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")
    error.__cause__ = cause
    script = Script(error)
    client, sleeps = make(script)
    async with client:
        with pytest.raises(Unreachable) as info:
            await client.me()
    assert sleeps == []
    assert "TLS certificate verification failed (self-signed certificate)" in info.value.message


async def test_truncated_json_is_retried_for_a_get_then_malformed():
    script = Script(
        *[
            httpx.Response(
                200, content=b'{"id": "d1", "na', headers={"content-type": "application/json"}
            )
            for _ in range(2)
        ]
    )
    client, _ = make(script, max_attempts=2)
    async with client:
        with pytest.raises(MalformedResponse) as info:
            await client.device("d1")
    assert len(script.requests) == 2
    assert "GET /api/v1/devices/d1" in info.value.message


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (401, "invalid_credentials", InvalidCredentials),
        (401, "unauthenticated", Unauthenticated),
        (403, "invalid_password", InvalidPassword),
        (403, "forbidden", Forbidden),
        (404, "not_found", NotFound),
        (409, "already_executed", Conflict),
        (413, "too_many_devices", TooManyDevices),
        (422, "agreement_required", ValidationFailed),
        (422, "schedule_in_past", ValidationFailed),
        (422, "idempotency_key_reused", ValidationFailed),
        (400, "invalid_body", ValidationFailed),
        (500, "internal", ServerError),
        (403, "invalid_credentials", Forbidden),  # a code never crosses its status family
        (418, "teapot", ApiError),
    ],
)
async def test_problem_codes_map_to_classes(status, code, cls):
    script = Script(problem(status, code, detail="Because \x1b[31mred"))
    client, _ = make(script, max_attempts=1)
    async with client:
        with pytest.raises(ApiError) as info:
            await client.me()
    error = info.value
    assert type(error) is cls
    assert (error.status, error.code) == (status, code)
    assert error.detail == "Because ␛[31mred"
    assert "\x1b" not in error.message


async def test_unauthenticated_forgets_the_token():
    script = Script(problem(401, "unauthenticated"))
    client, _ = make(script)
    async with client:
        with pytest.raises(Unauthenticated):
            await client.me()
        assert client.token is None


async def test_html_error_page_from_a_proxy_still_maps_by_status():
    script = Script(httpx.Response(502, html="<h1>Bad gateway</h1>"))
    client, _ = make(script, max_attempts=1)
    async with client:
        with pytest.raises(ServerError) as info:
            await client.me()
    assert info.value.status == 502


async def test_wrong_content_type_and_wrong_shape_are_malformed():
    script = Script(
        httpx.Response(200, text="hello"),
        ok({"id": "a1", "name": "x", "role": "superuser"}),
        ok([1, 2]),
        ok({"items": [{"device_id": 3}], "id": "x", "cancelled_jobs": 0}),
    )
    client, _ = make(script)
    async with client:
        with pytest.raises(MalformedResponse, match="content type 'text/plain'"):
            await client.me()
        with pytest.raises(MalformedResponse, match=r"GET /api/v1/me.*'role'"):
            await client.me()
        with pytest.raises(MalformedResponse, match="expected an object"):
            await client.me()
        batch = plan_batches(["a"], 1000)[0]
        with pytest.raises(MalformedResponse, match="device_id"):
            await client.send_deletion(batch, password=SECRET, agree=True)


async def test_password_never_in_errors():
    script = Script(problem(403, "invalid_password"), httpx.ReadError("reset"))
    client, _ = make(script, max_attempts=1)
    async with client:
        batch = plan_batches(["a"], 1000)[0]
        for _ in range(2):
            with pytest.raises(ApiError) as info:
                await client.send_deletion(batch, password=SECRET, agree=True)
            error = info.value
            text = f"{error} {error!r} {error.message} {vars(error)}"
            assert SECRET not in text
            assert error.__context__ is None
    assert SECRET not in repr(vars(client))


# ---------------------------------------------------------------------- sanitizing


def test_sanitize_walks_every_string_value():
    doc = {"a": "x\x1b]0;t\x07", "b": [{"c": "\u202eevil"}], "n": 3, "t": True, "z": None}
    assert sanitize(doc) == {
        "a": "x␛]0;t␇",
        "b": [{"c": "⟪U+202E⟫evil"}],
        "n": 3,
        "t": True,
        "z": None,
    }


async def test_device_names_arrive_visible():
    page = {"items": [device_json(name="\x1b]52;c;Zm9v\x07 iPad")], "next_cursor": None, "total": 1}
    script = Script(ok(LIMITS), ok(page))
    client, _ = make(script)
    async with client:
        devices = [d async for d in client.iter_devices()]
    assert devices[0].name == "␛]52;c;Zm9v␇ iPad"


async def test_paging_follows_cursors_and_stops_on_a_repeated_one():
    pages = [
        ok(LIMITS),
        ok({"items": [device_json("a")], "next_cursor": "c1", "total": 3}),
        ok({"items": [device_json("b")], "next_cursor": "c2", "total": 3}),
        ok({"items": [device_json("c")], "next_cursor": "c1", "total": 3}),
    ]
    script = Script(*pages)
    client, _ = make(script)
    async with client:
        seen = []
        with pytest.raises(MalformedResponse, match="cursor"):
            async for device in client.iter_devices(group_id="g1", include_subgroups=True):
                seen.append(device.id)
    assert seen == ["a", "b", "c"]
    assert len(script.requests) == 4  # the limits and three pages: no fourth page asked for
    assert script.requests[0].url.path == "/api/v1/limits"
    assert script.requests[1].url.params["limit"] == "1000"  # the server's largest page
    assert script.requests[2].url.params["cursor"] == "c1"
    assert script.requests[1].url.params["include_subgroups"] == "true"


async def test_bad_ca_bundle_is_a_clear_unreachable(tmp_path):
    with pytest.raises(Unreachable, match="CA bundle"):
        MobiClient("https://mdm.example", ca_bundle=tmp_path / "missing.pem")


@pytest.mark.parametrize("url", ["ftp://mdm.example", "mdm.example", "http://", "http://[::1"])
def test_bad_base_url_is_refused(url):
    with pytest.raises(ValueError):
        MobiClient(url)
