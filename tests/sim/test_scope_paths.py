"""A group-scoped admin can never see or touch a device outside its scope, by any path.

``test_roles_scope.py`` checks the front doors (the device list, one device lookup, one bulk
call). This module walks the side doors a leak would use instead: list filters (``group_id``,
``q``), the change feed's tombstones, other accounts' inactivation requests (read, list,
cancel), every destructive call with only out-of-scope ids (whatever state those devices are
in, the answer must be ``not_found``, never a reason that reveals their state), and
``Idempotency-Key`` replay across accounts. It also pins down that password guessing, at login
or in a destructive call's confirmation, is slowed down and never changes a device.

Everything runs on the frozen ASGI app (speed 0): time moves only through ``/sim/advance``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.sim.helpers import (
    API,
    PASSWORDS,
    advance,
    all_devices,
    asgi_client,
    bearer,
    login,
    new_key,
    post_action,
    seq_now,
)

BRANCH_PASS = PASSWORDS["branch-admin"]
GHOST_DEVICE = "d999999"
GHOST_GROUP = "g999"
GHOST_REQUEST = "inact-999999"
#: ``ServerConfig.login_failures_before_slowdown`` as the ``server_config`` fixture leaves it.
THRESHOLD = 5

Device = dict[str, Any]


# --------------------------------------------------------------------------- helpers


async def branch_groups(client: httpx.AsyncClient, token: str) -> set[str]:
    response = await client.get(f"{API}/groups", headers=bearer(token))
    assert response.status_code == 200, response.text
    groups = {g["id"] for g in response.json()["items"]}
    assert groups, "branch-admin must see at least its own subtree"
    return groups


async def split(
    client: httpx.AsyncClient, admin: str, branch: str
) -> tuple[list[Device], list[Device], set[str]]:
    """Every device (as admin), split into (inside, outside) branch-admin's scope."""
    scope = await branch_groups(client, branch)
    everything = await all_devices(client, admin)
    inside = [d for d in everything if d["group_id"] in scope]
    outside = [d for d in everything if d["group_id"] not in scope]
    assert inside and outside
    return inside, outside, scope


def pick(devices: list[Device], state: str, count: int) -> list[str]:
    ids = [d["id"] for d in devices if d["state"] == state][:count]
    assert len(ids) == count, f"the fleet needs {count} {state} devices here"
    return ids


async def snapshot(client: httpx.AsyncClient, admin: str) -> dict[str, Device]:
    return {d["id"]: d for d in await all_devices(client, admin)}


async def audit_entries(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get(f"{API}/sim/audit")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def feed(client: httpx.AsyncClient, token: str, since: int) -> dict[str, Any]:
    response = await client.get(
        f"{API}/devices/changes", params={"since": since}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def same_problem(
    hidden: httpx.Response, ghost: httpx.Response, hidden_id: str, ghost_id: str
) -> None:
    """The invisible thing answers exactly like a nonexistent one (up to the id echoed back)."""
    assert hidden.status_code == ghost.status_code == 404, (hidden.text, ghost.text)
    assert hidden.headers["content-type"] == ghost.headers["content-type"]
    assert hidden.json()["code"] == "not_found"
    assert hidden.text.replace(hidden_id, "<id>") == ghost.text.replace(ghost_id, "<id>")


async def later(client: httpx.AsyncClient, hours: float) -> str:
    now = await advance(client, 0)
    return (datetime.fromisoformat(now) + timedelta(hours=hours)).isoformat()


# --------------------------------------------------------------------------- reading


async def test_out_of_scope_device_reads_like_a_missing_one(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        _, outside, _ = await split(client, admin, branch)
        for target in outside[:3]:
            seen = await client.get(f"{API}/devices/{target['id']}", headers=bearer(admin))
            assert seen.status_code == 200  # it exists: only the scope hides it
            hidden = await client.get(f"{API}/devices/{target['id']}", headers=bearer(branch))
            ghost = await client.get(f"{API}/devices/{GHOST_DEVICE}", headers=bearer(branch))
            same_problem(hidden, ghost, target["id"], GHOST_DEVICE)
            for secret in (target["serial"], target["name"], target["user_name"]):
                if secret:
                    assert secret not in hidden.text


async def test_list_filters_never_reach_out_of_scope_devices(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        inside, outside, scope = await split(client, admin, branch)
        groups = (await client.get(f"{API}/groups", headers=bearer(admin))).json()["items"]
        parent_of = {g["id"]: g["parent_id"] for g in groups}
        # The ancestors of the branch subtree: including subgroups, they would cover it.
        ancestors = {parent_of[g] for g in scope} - scope - {None}
        foreign = sorted({d["group_id"] for d in outside} | ancestors)
        assert ancestors and foreign

        for group_id in foreign:
            for include in ("false", "true"):
                query = {"group_id": group_id, "include_subgroups": include}
                hidden = await client.get(f"{API}/devices", params=query, headers=bearer(branch))
                ghost = await client.get(
                    f"{API}/devices",
                    params={**query, "group_id": GHOST_GROUP},
                    headers=bearer(branch),
                )
                same_problem(hidden, ghost, group_id, GHOST_GROUP)
                assert "items" not in hidden.json()

        # Free-text search on any field of an out-of-scope device finds nothing outside.
        target = next(d for d in outside if d["serial"])
        for q in (target["serial"], target["name"], target["user_name"], target["phone_number"]):
            if not q:
                continue
            as_admin = await all_devices(client, admin, q=q)
            assert target["id"] in {d["id"] for d in as_admin}
            page = await client.get(
                f"{API}/devices", params={"q": q, "limit": 1000}, headers=bearer(branch)
            )
            assert page.status_code == 200, page.text
            found = page.json()
            assert {d["group_id"] for d in found["items"]} <= scope
            assert target["id"] not in {d["id"] for d in found["items"]}
            assert found["total"] == len(found["items"])
        by_serial = await all_devices(client, branch, q=target["serial"])
        assert by_serial == []
        # Sanity: the same search does work for a device in scope.
        mine = next(d for d in inside if d["serial"])
        assert mine["id"] in {d["id"] for d in await all_devices(client, branch, q=mine["serial"])}


async def test_change_feed_hides_out_of_scope_changes_and_deletions(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        inside, outside, scope = await split(client, admin, branch)
        forced_gone, two_step, forced_kept = pick(outside, "active", 3)
        mine = pick(inside, "active", 1)[0]
        since = await seq_now(client, branch)

        # Out of scope: forced with delete_after; forced then deleted; forced and kept.
        one = await post_action(
            client, admin, "/forced-inactivations", [forced_gone], delete_after=True
        )
        assert one.status_code == 200 and one.json()["items"][0]["deleted"] is True
        two = await post_action(client, admin, "/forced-inactivations", [two_step, forced_kept])
        assert two.status_code == 200
        gone = await post_action(client, admin, "/device-deletions", [two_step])
        assert [i["outcome"] for i in gone.json()["items"]] == ["deleted"]
        # In scope: the same forced deletion must show up in branch-admin's feed.
        own = await post_action(client, admin, "/forced-inactivations", [mine], delete_after=True)
        assert own.json()["items"][0]["deleted"] is True

        everyone = await feed(client, admin, since)
        assert {forced_gone, two_step, mine} <= set(everyone["deleted"])
        assert forced_kept in {d["id"] for d in everyone["changes"]}

        scoped = await feed(client, branch, since)
        assert mine in scoped["deleted"]
        assert not {forced_gone, two_step, forced_kept} & set(scoped["deleted"])
        changed = {d["id"]: d["group_id"] for d in scoped["changes"]}
        assert not {forced_gone, two_step, forced_kept} & set(changed)
        assert set(changed.values()) <= scope
        assert set(scoped["deleted"]) <= {d["id"] for d in inside}
        # From the very beginning, too.
        full = await feed(client, branch, 0)
        assert {d["group_id"] for d in full["changes"]} <= scope
        assert set(full["deleted"]) == {mine}


# --------------------------------------------------------------------------- requests of others


async def test_requests_of_others_are_invisible_and_cannot_be_cancelled(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        _, outside, _ = await split(client, admin, branch)
        targets = pick(outside, "active", 3)
        scheduled = await post_action(
            client, admin, "/inactivations", targets[:2], scheduled_at=await later(client, 1)
        )
        assert scheduled.status_code == 202, scheduled.text
        executed = await post_action(client, admin, "/inactivations", targets[2:])
        assert executed.status_code == 202 and executed.json()["status"] != "scheduled"
        hidden_ids = {scheduled.json()["id"], executed.json()["id"]}
        audit_before = await audit_entries(client)
        devices_before = await snapshot(client, admin)

        for status in (None, "scheduled", "in_progress", "completed", "cancelled"):
            params = {"limit": 1000} | ({} if status is None else {"status": status})
            listed = await client.get(f"{API}/inactivations", params=params, headers=bearer(branch))
            assert listed.status_code == 200, listed.text
            assert not hidden_ids & {r["id"] for r in listed.json()["items"]}
        for request_id in sorted(hidden_ids):
            shown = await client.get(f"{API}/inactivations/{request_id}", headers=bearer(branch))
            ghost = await client.get(f"{API}/inactivations/{GHOST_REQUEST}", headers=bearer(branch))
            same_problem(shown, ghost, request_id, GHOST_REQUEST)
            # Cancelling: 404 like a request that does not exist; never 403 (which would say
            # "it exists but not for you") nor 409 already_executed (which would say it ran).
            cancel = await client.delete(
                f"{API}/inactivations/{request_id}", headers=bearer(branch)
            )
            ghost = await client.delete(
                f"{API}/inactivations/{GHOST_REQUEST}", headers=bearer(branch)
            )
            same_problem(cancel, ghost, request_id, GHOST_REQUEST)

        assert await audit_entries(client) == audit_before
        assert await snapshot(client, admin) == devices_before
        still = await client.get(
            f"{API}/inactivations/{scheduled.json()['id']}", headers=bearer(admin)
        )
        assert still.json()["status"] == "scheduled"
        assert [i["progress"] for i in still.json()["items"]] == ["scheduled"] * 2
        # And it really runs when its time comes.
        await advance(client, 3601)
        ran = await client.get(
            f"{API}/inactivations/{scheduled.json()['id']}", headers=bearer(admin)
        )
        assert ran.json()["status"] in ("in_progress", "completed")
        for device_id in targets[:2]:
            device = await client.get(f"{API}/devices/{device_id}", headers=bearer(admin))
            assert device.json()["state"] != "active"


# --------------------------------------------------------------------------- destructive calls


async def test_destructive_calls_with_only_out_of_scope_ids_change_nothing(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        _, outside, _ = await split(client, admin, branch)
        # One of each state: the answer must not depend on (and so not reveal) the state.
        targets = [
            *pick(outside, "active", 1),
            *pick(outside, "inactivation_pending", 1),
            *pick(outside, "inactive", 1),
        ]
        before = await snapshot(client, admin)
        since = await seq_now(client, admin)
        audit_before = await audit_entries(client)

        inact = await post_action(client, branch, "/inactivations", targets, password=BRANCH_PASS)
        assert inact.status_code == 202, inact.text
        assert inact.json()["cancelled_jobs"] == 0
        forced = await post_action(
            client,
            branch,
            "/forced-inactivations",
            targets,
            password=BRANCH_PASS,
            delete_after=True,
        )
        assert forced.status_code == 200, forced.text
        assert forced.json()["cancelled_jobs"] == 0
        assert not any(i["deleted"] for i in forced.json()["items"])
        deletion = await post_action(
            client, branch, "/device-deletions", targets, password=BRANCH_PASS
        )
        assert deletion.status_code == 200, deletion.text
        expected = {
            "/inactivations": (inact, "skipped"),
            "/forced-inactivations": (forced, "skipped"),
            "/device-deletions": (deletion, "refused"),
        }
        for path, (response, outcome) in expected.items():
            items = response.json()["items"]
            assert [i["device_id"] for i in items] == targets, path
            assert [(i["outcome"], i["reason"]) for i in items] == [(outcome, "not_found")] * len(
                targets
            ), path

        after = await snapshot(client, admin)
        assert after == before
        changes = await feed(client, admin, since)
        assert changes["changes"] == [] and changes["deleted"] == []
        new = (await audit_entries(client))[len(audit_before) :]
        assert [(e["account"], e["action"], e["result"]) for e in new] == [
            ("branch-admin", "inactivate", "ok"),
            ("branch-admin", "force_inactivate", "ok"),
            ("branch-admin", "delete", "ok"),
        ]
        for entry in new:
            assert entry["device_ids"] == targets
            assert {(o["reason"], o["deleted"]) for o in entry["outcomes"]} == {
                ("not_found", False)
            }
            assert {o["outcome"] for o in entry["outcomes"]} <= {"skipped", "refused"}
        # Admin's view of the branch request: nothing accepted, no device carries it.
        request = await client.get(
            f"{API}/inactivations/{inact.json()['id']}", headers=bearer(admin)
        )
        assert {i["outcome"] for i in request.json()["items"]} == {"skipped"}
        assert all(
            (d["inactivation"] or {}).get("id") != inact.json()["id"] for d in after.values()
        )


async def test_idempotency_keys_do_not_cross_accounts(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        inside, outside, _ = await split(client, admin, branch)
        target = pick(outside, "active", 1)
        key = new_key()
        first = await post_action(client, admin, "/forced-inactivations", target, key=key)
        assert first.status_code == 200
        assert [i["outcome"] for i in first.json()["items"]] == ["accepted"]

        # Same path, same body (the password is not part of the fingerprint), same key.
        reused = await post_action(
            client, branch, "/forced-inactivations", target, key=key, password=BRANCH_PASS
        )
        assert reused.status_code == 200, reused.text
        assert "idempotent-replayed" not in reused.headers
        assert reused.json()["id"] != first.json()["id"]
        assert [(i["outcome"], i["reason"]) for i in reused.json()["items"]] == [
            ("skipped", "not_found")
        ]

        # A different body under admin's key is not "idempotency_key_reused" for branch-admin
        # either (that answer would confirm the key exists in another account).
        other_key = new_key()
        mine = pick(inside, "active", 1)
        taken = await post_action(client, admin, "/inactivations", target, key=other_key)
        assert taken.status_code == 202
        own = await post_action(
            client, branch, "/inactivations", mine, key=other_key, password=BRANCH_PASS
        )
        assert own.status_code == 202, own.text
        assert [i["outcome"] for i in own.json()["items"]] == ["accepted"]

        # Admin's own replay still returns admin's first answer, untouched by branch-admin.
        again = await post_action(client, admin, "/forced-inactivations", target, key=key)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json() == first.json()


# --------------------------------------------------------------------------- password guessing


async def test_login_slowdown_refuses_the_right_password_and_changes_nothing(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        before = await snapshot(client, admin)
        since = await seq_now(client, admin)
        audit_before = await audit_entries(client)

        async def attempt(password: str) -> httpx.Response:
            return await client.post(
                f"{API}/auth/login", json={"account": "branch-admin", "password": password}
            )

        for _ in range(THRESHOLD):
            wrong = await attempt("not-the-password")
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "invalid_credentials"
        slowed = await attempt(BRANCH_PASS)
        assert slowed.status_code == 429, slowed.text
        assert slowed.json()["code"] == "rate_limited"
        assert "token" not in slowed.json()
        wait = int(slowed.headers["Retry-After"])
        assert wait >= 1

        await advance(client, wait / 2)
        still = await attempt(BRANCH_PASS)
        assert still.status_code == 429
        assert 1 <= int(still.headers["Retry-After"]) <= wait
        await advance(client, wait - wait / 2)
        passed = await attempt(BRANCH_PASS)
        assert passed.status_code == 200, passed.text
        assert passed.json()["account"]["name"] == "branch-admin"

        assert await snapshot(client, admin) == before
        changes = await feed(client, admin, since)
        assert changes["changes"] == [] and changes["deleted"] == []
        assert await audit_entries(client) == audit_before


async def test_wrong_confirmation_passwords_are_refused_audited_and_change_nothing(
    frozen_app: Starlette,
) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        devices = await all_devices(client, admin)
        targets = pick(devices, "active", 2)
        before = await snapshot(client, admin)
        since = await seq_now(client, admin)
        audit_before = await audit_entries(client)

        for n in range(THRESHOLD):
            response = await post_action(
                client,
                admin,
                "/forced-inactivations",
                targets,
                password=f"wrong-{n}",
                delete_after=True,
            )
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "invalid_password"
            assert "items" not in response.json()
        # Past the threshold even the right password must wait (429): guessing stays slow.
        slowed = await post_action(
            client, admin, "/forced-inactivations", targets, delete_after=True
        )
        assert slowed.status_code == 429, slowed.text
        assert slowed.json()["code"] == "rate_limited"

        assert await snapshot(client, admin) == before
        changes = await feed(client, admin, since)
        assert changes["changes"] == [] and changes["deleted"] == []
        new = (await audit_entries(client))[len(audit_before) :]
        assert [(e["account"], e["action"], e["result"]) for e in new] == [
            ("admin", "force_inactivate", "invalid_password")
        ] * THRESHOLD + [("admin", "force_inactivate", "rate_limited")]
        for entry in new:
            assert entry["device_ids"] == targets
            assert entry["outcomes"] == []
            assert entry["options"] == {"delete_after": True}
            assert "password" not in entry["options"]
            assert "wrong-" not in str(entry)

        # Once the wait passes the same call goes through: the devices were eligible all along.
        await advance(client, int(slowed.headers["Retry-After"]))
        done = await post_action(client, admin, "/forced-inactivations", targets, delete_after=True)
        assert done.status_code == 200, done.text
        assert [i["deleted"] for i in done.json()["items"]] == [True, True]
