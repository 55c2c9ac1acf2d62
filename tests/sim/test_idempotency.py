"""``Idempotency-Key``: replays return the first answer and change nothing; reuse is refused."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.sim.helpers import (
    API,
    all_devices,
    asgi_client,
    bearer,
    ids_where,
    login,
    post_action,
    seq_now,
)


async def test_same_key_same_body_replays_the_first_answer(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="active")[:2]
        first = await post_action(client, token, "/inactivations", target, key="k-replay")
        assert first.status_code == 202
        after_first = await seq_now(client, token)

        replay = await post_action(client, token, "/inactivations", target, key="k-replay")
        assert replay.status_code == 202
        assert replay.json() == first.json()
        assert replay.headers.get("Idempotent-Replayed") == "true"
        assert await seq_now(client, token) == after_first
        listed = (await client.get(f"{API}/inactivations", headers=bearer(token))).json()
        assert [r["id"] for r in listed["items"]].count(first.json()["id"]) == 1
        assert len([r for r in listed["items"] if r["id"] != "inact-000001"]) == 1

        # Even a replay sent with a different (wrong) password returns the stored answer:
        # the password is not part of the fingerprint and is never stored.
        wrong_pw = await post_action(
            client, token, "/inactivations", target, key="k-replay", password="nope"
        )
        assert wrong_pw.status_code == 202 and wrong_pw.json() == first.json()
        audit = (await client.get(f"{API}/sim/audit")).json()["entries"]
        assert len(audit) == 1


async def test_same_key_different_body_is_refused(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="active")[:2]
        await post_action(client, token, "/inactivations", target[:1], key="k-reuse")
        before = await seq_now(client, token)
        reused = await post_action(client, token, "/inactivations", target[1:], key="k-reuse")
        assert reused.status_code == 422
        assert reused.json()["code"] == "idempotency_key_reused"
        other_path = await post_action(
            client, token, "/forced-inactivations", target[:1], key="k-reuse"
        )
        assert other_path.json()["code"] == "idempotency_key_reused"
        assert await seq_now(client, token) == before


async def test_keys_belong_to_one_account(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        devices = await all_devices(client, branch, state="active")
        first = await post_action(client, admin, "/inactivations", [devices[0]["id"]], key="shared")
        second = await post_action(
            client,
            branch,
            "/inactivations",
            [devices[1]["id"]],
            key="shared",
            password="demo-branch-pass",
        )
        assert first.status_code == second.status_code == 202
        assert first.json()["id"] != second.json()["id"]


async def test_failed_calls_are_not_stored_and_can_be_retried(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="active")[:1]
        failed = await post_action(
            client, token, "/inactivations", target, key="k-retry", agree=False
        )
        assert failed.json()["code"] == "agreement_required"
        retried = await post_action(client, token, "/inactivations", target, key="k-retry")
        assert retried.status_code == 202
        assert retried.json()["items"][0]["outcome"] == "accepted"


async def test_destructive_calls_require_a_key(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        target = ids_where(await all_devices(client, token), state="inactive")[:1]
        body = {"device_ids": target, "password": "demo-admin-pass", "agree": True}
        for path in ("/inactivations", "/forced-inactivations", "/device-deletions"):
            response = await client.post(f"{API}{path}", json=body, headers=bearer(token))
            assert response.status_code == 422
            assert response.json()["code"] == "idempotency_key_required"
        assert (
            await client.get(f"{API}/devices/{target[0]}", headers=bearer(token))
        ).status_code == 200
