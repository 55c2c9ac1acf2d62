"""Forced inactivation (with and without delete_after) and bulk deletion."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.applications import Starlette

from mobitui.domain.models import BulkResult
from tests.sim.helpers import (
    API,
    advance,
    all_devices,
    asgi_client,
    bearer,
    ids_where,
    login,
    post_action,
    seq_now,
)


async def test_forced_inactivation_marks_inactive_and_supersedes_requests(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")
        inactive = ids_where(devices, state="inactive")[:1]
        await client.post(f"{API}/sim/devices/{active[0]}/jobs", json={"count": 3})
        await client.post(f"{API}/sim/devices/{active[1]}", json={"behaviour": "wiped"})
        now = await advance(client, 0)
        later = (datetime.fromisoformat(now) + timedelta(hours=1)).isoformat()
        scheduled = (
            await post_action(client, token, "/inactivations", active[:1], scheduled_at=later)
        ).json()
        pending = (await post_action(client, token, "/inactivations", active[1:2])).json()

        response = await post_action(
            client, token, "/forced-inactivations", active[:3] + inactive + ["d999999"]
        )
        assert response.status_code == 200
        result = BulkResult.from_json(response.json())
        assert result.id.startswith("force-")
        assert result.cancelled_jobs == 3
        assert [
            (i.outcome.value, i.reason and i.reason.value, i.deleted) for i in result.items
        ] == [
            ("accepted", None, False),
            ("accepted", None, False),
            ("accepted", None, False),
            ("skipped", "already_inactive", False),
            ("skipped", "not_found", False),
        ]
        for device_id in active[:3]:
            device = (await client.get(f"{API}/devices/{device_id}", headers=bearer(token))).json()
            assert device["state"] == "inactive" and device["pending_jobs"] == 0
        for request in (scheduled, pending):
            after = (
                await client.get(f"{API}/inactivations/{request['id']}", headers=bearer(token))
            ).json()
            assert after["items"][0]["progress"] == "superseded"
        assert (
            await client.get(f"{API}/inactivations/{pending['id']}", headers=bearer(token))
        ).json()["status"] == "completed"
        # The superseded scheduled request has nothing left to do when its time comes.
        await advance(client, 7200)
        token = await login(client)
        done = (
            await client.get(f"{API}/inactivations/{scheduled['id']}", headers=bearer(token))
        ).json()
        assert done["status"] == "completed" and done["cancelled_jobs"] == 0


async def test_forced_with_delete_after_removes_records(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")[:2]
        inactive = ids_where(devices, state="inactive")[:1]
        since = await seq_now(client, token)
        result = (
            await post_action(
                client, token, "/forced-inactivations", active + inactive, delete_after=True
            )
        ).json()
        assert [(i["outcome"], i["deleted"]) for i in result["items"]] == [
            ("accepted", True),
            ("accepted", True),
            ("skipped", True),
        ]
        for device_id in active + inactive:
            gone = await client.get(f"{API}/devices/{device_id}", headers=bearer(token))
            assert gone.status_code == 404
        feed = (
            await client.get(
                f"{API}/devices/changes", params={"since": since}, headers=bearer(token)
            )
        ).json()
        assert sorted(feed["deleted"]) == sorted(active + inactive)
        assert feed["changes"] == []
        groups = (await client.get(f"{API}/groups", headers=bearer(token))).json()["items"]
        assert sum(g["device_count"] for g in groups) == 200 - 3


async def test_deletion_only_deletes_inactive_devices(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")[:1]
        pending = ids_where(devices, state="inactivation_pending")[:1]
        inactive = ids_where(devices, state="inactive")[:2]
        response = await post_action(
            client, token, "/device-deletions", active + pending + inactive + ["ghost"]
        )
        assert response.status_code == 200
        result = BulkResult.from_json(response.json())
        assert result.id.startswith("del-")
        assert [(i.outcome.value, i.reason and i.reason.value) for i in result.items] == [
            ("refused", "device_not_inactive"),
            ("refused", "device_not_inactive"),
            ("deleted", None),
            ("deleted", None),
            ("refused", "not_found"),
        ]
        for device_id in active + pending:
            kept = await client.get(f"{API}/devices/{device_id}", headers=bearer(token))
            assert kept.status_code == 200
            assert kept.json() == next(d for d in devices if d["id"] == device_id)
        for device_id in inactive:
            gone = await client.get(f"{API}/devices/{device_id}", headers=bearer(token))
            assert gone.status_code == 404
        # Deleting again: the ids are now simply unknown.
        again = (await post_action(client, token, "/device-deletions", inactive)).json()
        assert {i["reason"] for i in again["items"]} == {"not_found"}


async def test_every_destructive_call_is_audited_without_secrets(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")
        inactive = ids_where(devices, state="inactive")
        inact = (
            await post_action(client, token, "/inactivations", active[:1] + inactive[:1])
        ).json()
        await post_action(client, token, "/forced-inactivations", active[1:2], delete_after=True)
        await post_action(client, token, "/device-deletions", active[2:3] + inactive[1:2])
        await post_action(client, token, "/inactivations", active[3:4], password="bad-guess")
        entries = (await client.get(f"{API}/sim/audit")).json()["entries"]
    assert [(e["action"], e["result"]) for e in entries] == [
        ("inactivate", "ok"),
        ("force_inactivate", "ok"),
        ("delete", "ok"),
        ("inactivate", "invalid_password"),
    ]
    first = entries[0]
    assert first["account"] == "admin" and first["request_id"] == inact["id"]
    assert first["device_ids"] == active[:1] + inactive[:1]
    assert [o["outcome"] for o in first["outcomes"]] == ["accepted", "skipped"]
    assert first["options"] == {"remove_apple_mdm_profile": False, "scheduled_at": None}
    assert entries[1]["options"] == {"delete_after": True}
    assert entries[1]["outcomes"][0]["deleted"] is True
    assert [o["outcome"] for o in entries[2]["outcomes"]] == ["refused", "deleted"]
    assert all(datetime.fromisoformat(e["at"]).tzinfo is not None for e in entries)
    assert all("password" not in e["options"] for e in entries)
    assert "bad-guess" not in str(entries) and "demo-admin-pass" not in str(entries)
