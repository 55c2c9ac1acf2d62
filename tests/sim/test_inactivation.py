"""Bulk inactivation: immediate and scheduled execution, jobs, cancelling, and how the simulated
devices then progress (or stall) according to their behaviour."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from mobitui.domain.models import InactivationRequest
from tests.sim.helpers import (
    API,
    advance,
    all_devices,
    asgi_client,
    bearer,
    ids_where,
    login,
    post_action,
    set_behaviour,
)


async def _device(client: httpx.AsyncClient, token: str, device_id: str) -> dict[str, Any]:
    response = await client.get(f"{API}/devices/{device_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def _jobs(client: httpx.AsyncClient, device_id: str, count: int) -> None:
    response = await client.post(f"{API}/sim/devices/{device_id}/jobs", json={"count": count})
    assert response.status_code == 200
    assert response.json()["pending_jobs"] == count


def _later(now: str, **delta: float) -> str:
    return (datetime.fromisoformat(now) + timedelta(**delta)).isoformat()


async def test_immediate_inactivation_cancels_jobs_and_skips_what_it_must(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")[:2]
        inactive = ids_where(devices, state="inactive")[:1]
        pending = ids_where(devices, state="inactivation_pending")[:1]
        await _jobs(client, active[0], 3)
        await _jobs(client, active[1], 2)

        response = await post_action(
            client,
            token,
            "/inactivations",
            active + inactive + pending + ["nope", active[0]],
            remove_apple_mdm_profile=True,
        )
        assert response.status_code == 202
        request = InactivationRequest.from_json(response.json())
        assert request.status.value == "in_progress"
        assert request.cancelled_jobs == 5
        assert request.remove_apple_mdm_profile is True
        outcomes = [
            (i.device_id, i.outcome.value, i.reason and i.reason.value) for i in request.items
        ]
        assert outcomes == [
            (active[0], "accepted", None),
            (active[1], "accepted", None),
            (inactive[0], "skipped", "already_inactive"),
            (pending[0], "skipped", "already_pending"),
            ("nope", "skipped", "not_found"),
        ]
        for device_id in active:
            device = await _device(client, token, device_id)
            assert device["state"] == "inactivation_pending"
            assert device["pending_jobs"] == 0
            assert device["inactivation"]["id"] == request.id
            assert device["inactivation"]["progress"] == "pending"


async def test_scheduled_inactivation_executes_when_the_clock_passes(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        target = ids_where(devices, state="active")[:2]
        for device_id in target:
            await set_behaviour(client, device_id, "wiped")  # keep them pending afterwards
        await _jobs(client, target[0], 4)
        now = await advance(client, 0)
        when = _later(now, hours=2)

        response = await post_action(client, token, "/inactivations", target, scheduled_at=when)
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "scheduled" and body["executed_at"] is None
        assert body["cancelled_jobs"] == 0
        assert datetime.fromisoformat(body["scheduled_at"]) == datetime.fromisoformat(when)
        assert {i["progress"] for i in body["items"]} == {"scheduled"}
        first = await _device(client, token, target[0])
        assert first["state"] == "active" and first["pending_jobs"] == 4
        assert first["inactivation"]["status"] == "scheduled"

        # A second request for a scheduled device skips it.
        again = await post_action(client, token, "/inactivations", target[:1])
        assert again.json()["items"][0]["reason"] == "already_scheduled"

        await advance(client, 3600)
        assert (await _device(client, token, target[0]))["state"] == "active"
        await advance(client, 3601)
        executed = (
            await client.get(f"{API}/inactivations/{body['id']}", headers=bearer(token))
        ).json()
        assert executed["status"] == "in_progress"
        assert executed["executed_at"] == body["scheduled_at"]
        assert executed["cancelled_jobs"] == 4
        assert {i["progress"] for i in executed["items"]} == {"pending"}
        first = await _device(client, token, target[0])
        assert first["state"] == "inactivation_pending" and first["pending_jobs"] == 0


async def test_cancel_a_scheduled_request_but_not_an_executed_one(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")
        now = await advance(client, 0)
        scheduled = (
            await post_action(
                client, token, "/inactivations", active[:1], scheduled_at=_later(now, hours=1)
            )
        ).json()
        cancelled = await client.delete(
            f"{API}/inactivations/{scheduled['id']}", headers=bearer(token)
        )
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["items"][0]["progress"] == "cancelled"
        await advance(client, 7200)
        assert (await _device(client, token, active[0]))["state"] == "active"
        # Cancelling twice is harmless.
        twice = await client.delete(f"{API}/inactivations/{scheduled['id']}", headers=bearer(token))
        assert twice.status_code == 200

        immediate = (await post_action(client, token, "/inactivations", active[1:2])).json()
        refused = await client.delete(
            f"{API}/inactivations/{immediate['id']}", headers=bearer(token)
        )
        assert refused.status_code == 409
        assert refused.json()["code"] == "already_executed"
        missing = await client.delete(f"{API}/inactivations/inact-424242", headers=bearer(token))
        assert missing.status_code == 404


async def test_apple_mdm_device_goes_inactive_at_its_check_in_a_wiped_one_never(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token, state="active")
        apple = next(d["id"] for d in devices if d["enrollment"] == "apple_mdm")
        wiped = next(d["id"] for d in devices if d["id"] != apple)
        await set_behaviour(client, apple, "regular")
        await set_behaviour(client, wiped, "wiped")
        request = (await post_action(client, token, "/inactivations", [apple, wiped])).json()
        assert (await _device(client, token, apple))["state"] == "inactivation_pending"

        await advance(client, 3601)  # every regular device checks in within an hour
        token = await login(client)
        done = await _device(client, token, apple)
        assert done["state"] == "inactive"
        assert done["inactivation"]["progress"] == "done"
        assert datetime.fromisoformat(done["last_seen_at"]) > datetime.fromisoformat(
            request["created_at"]
        )
        stuck = await _device(client, token, wiped)
        assert stuck["state"] == "inactivation_pending"

        await advance(client, 30 * 86400)
        token = await login(client)
        assert (await _device(client, token, wiped))["state"] == "inactivation_pending"
        progress = (
            await client.get(f"{API}/inactivations/{request['id']}", headers=bearer(token))
        ).json()
        assert progress["status"] == "in_progress"
        assert [i["progress"] for i in progress["items"]] == ["done", "pending"]

        # Forced inactivation is the way out, and completes the request.
        forced = await post_action(client, token, "/forced-inactivations", [wiped])
        assert forced.json()["items"][0]["outcome"] == "accepted"
        progress = (
            await client.get(f"{API}/inactivations/{request['id']}", headers=bearer(token))
        ).json()
        assert progress["status"] == "completed"
        assert [i["progress"] for i in progress["items"]] == ["done", "superseded"]
        listed = (
            await client.get(
                f"{API}/inactivations", params={"status": "completed"}, headers=bearer(token)
            )
        ).json()
        assert request["id"] in [r["id"] for r in listed["items"]]


async def test_hybrid_devices_need_their_user(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        hybrids = [
            d["id"]
            for d in await all_devices(client, token, state="active")
            if d["enrollment"] == "hybrid_mdm" and not d["safari_restricted"]
        ]
        quick, slow, never = hybrids[:3]
        await set_behaviour(client, quick, "regular")
        await set_behaviour(client, slow, "slow_user")
        await set_behaviour(client, never, "never_finishes")
        await post_action(client, token, "/inactivations", [quick, slow, never])
        await advance(client, 5401)  # check-in (<= 1 h) + Safari (<= 30 min)
        token = await login(client)
        assert (await _device(client, token, quick))["state"] == "inactive"
        assert (await _device(client, token, slow))["state"] == "inactivation_pending"
        await advance(client, 2 * 86400)
        token = await login(client)
        assert (await _device(client, token, slow))["state"] == "inactive"
        never_device = await _device(client, token, never)
        assert never_device["state"] == "inactivation_pending"
        behaviour = (await client.get(f"{API}/sim/devices/{never}")).json()
        assert behaviour["behaviour"] == "never_finishes" and behaviour["next_event_at"] is None


async def test_schedule_agreement_and_password_are_checked(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="active")[:1]
        now = await advance(client, 0)
        past = await post_action(
            client, token, "/inactivations", target, scheduled_at=_later(now, minutes=-1)
        )
        assert past.status_code == 422 and past.json()["code"] == "schedule_in_past"
        at_now = await post_action(client, token, "/inactivations", target, scheduled_at=now)
        assert at_now.json()["code"] == "schedule_in_past"
        naive = await post_action(
            client, token, "/inactivations", target, scheduled_at="2030-01-01T00:00:00"
        )
        assert naive.status_code == 422 and naive.json()["code"] == "invalid_body"
        disagree = await post_action(client, token, "/inactivations", target, agree=False)
        assert disagree.status_code == 422 and disagree.json()["code"] == "agreement_required"
        wrong = await post_action(client, token, "/inactivations", target, password="guess")
        assert wrong.status_code == 403 and wrong.json()["code"] == "invalid_password"
        device = await _device(client, token, target[0])
        assert device["state"] == "active" and device["inactivation"] is None
        listed = (await client.get(f"{API}/inactivations", headers=bearer(token))).json()
        assert all(target[0] not in [i["device_id"] for i in r["items"]] for r in listed["items"])


async def test_wrong_passwords_in_destructive_calls_slow_that_session_down(
    frozen_app: Starlette,
) -> None:
    """Guessing through a bulk call stays slow, for the session that guesses (not the login)."""
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="active")[:1]
        for _ in range(5):
            wrong = await post_action(client, token, "/inactivations", target, password="guess")
            assert wrong.status_code == 403
        slowed = await post_action(client, token, "/inactivations", target)
        assert slowed.status_code == 429 and "Retry-After" in slowed.headers
        login_still = await client.post(
            f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
        )
        assert login_still.status_code == 200


async def test_request_list_pages_newest_first(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        active = ids_where(await all_devices(client, token), state="active")
        created = [
            (await post_action(client, token, "/inactivations", [device_id])).json()["id"]
            for device_id in active[:5]
        ]
        ids: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (
                await client.get(f"{API}/inactivations", params=params, headers=bearer(token))
            ).json()
            ids += [r["id"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert ids[:5] == list(reversed(created))
        assert len(ids) == len(set(ids))
