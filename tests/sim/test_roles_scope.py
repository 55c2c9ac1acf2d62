"""Roles and group scope: operators never change anything, scoped admins see only their subtree."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette

from mobitui.sim.accounts import hash_password
from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
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

BRANCH = {"g17", "g18", "g19", "g20"}  # 大阪支店 and its sections


async def test_operator_is_forbidden_every_destructive_call(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        operator = await login(client, "operator")
        devices = await all_devices(client, admin)
        active = ids_where(devices, state="active")[:3]
        inactive = ids_where(devices, state="inactive")[:2]
        now = await advance(client, 0)
        later = (datetime.fromisoformat(now) + timedelta(hours=2)).isoformat()
        scheduled = await post_action(
            client, admin, "/inactivations", active[2:3], scheduled_at=later
        )
        assert scheduled.status_code == 202
        before = await seq_now(client, admin)

        calls = [
            await post_action(
                client, operator, "/inactivations", active[:2], password="demo-operator-pass"
            ),
            await post_action(
                client, operator, "/forced-inactivations", active[:2], password="demo-operator-pass"
            ),
            await post_action(
                client, operator, "/device-deletions", inactive, password="demo-operator-pass"
            ),
            await client.delete(
                f"{API}/inactivations/{scheduled.json()['id']}", headers=bearer(operator)
            ),
        ]
        for response in calls:
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "forbidden"

        assert await seq_now(client, admin) == before
        changes = await client.get(
            f"{API}/devices/changes", params={"since": before}, headers=bearer(admin)
        )
        assert changes.json()["changes"] == [] and changes.json()["deleted"] == []
        for device_id in active[:2] + inactive:
            device = await client.get(f"{API}/devices/{device_id}", headers=bearer(admin))
            assert device.status_code == 200
        request = await client.get(
            f"{API}/inactivations/{scheduled.json()['id']}", headers=bearer(admin)
        )
        assert request.json()["status"] == "scheduled"
        entries = (await client.get(f"{API}/sim/audit")).json()["entries"]
        refused = [e for e in entries if e["account"] == "operator"]
        assert [e["result"] for e in refused] == ["forbidden"] * 4
        # Operators may still read.
        assert (await client.get(f"{API}/devices", headers=bearer(operator))).status_code == 200


async def test_branch_admin_sees_only_its_subtree(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        groups = (await client.get(f"{API}/groups", headers=bearer(branch))).json()["items"]
        assert {g["id"] for g in groups} == BRANCH
        roots = [g for g in groups if g["parent_id"] is None]
        assert [g["name"] for g in roots] == ["大阪支店"]

        everything = await all_devices(client, admin)
        mine = await all_devices(client, branch)
        assert mine and len(mine) < len(everything)
        assert {d["group_id"] for d in mine} <= BRANCH
        assert {d["id"] for d in mine} == {d["id"] for d in everything if d["group_id"] in BRANCH}
        page = (await client.get(f"{API}/devices", headers=bearer(branch))).json()
        assert page["total"] == len(mine)

        outsider = next(d["id"] for d in everything if d["group_id"] not in BRANCH)
        for path in (f"/devices/{outsider}", "/devices/d999999"):
            response = await client.get(f"{API}{path}", headers=bearer(branch))
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
        # Unknown and invisible devices answer alike inside a bulk call, too.
        response = await post_action(
            client,
            branch,
            "/forced-inactivations",
            [outsider, "d999999"],
            password="demo-branch-pass",
        )
        assert response.status_code == 200
        items = response.json()["items"]
        assert [(i["outcome"], i["reason"]) for i in items] == [("skipped", "not_found")] * 2
        before = next(d for d in everything if d["id"] == outsider)
        after = (await client.get(f"{API}/devices/{outsider}", headers=bearer(admin))).json()
        assert after == before

        hidden_group = await client.get(
            f"{API}/devices", params={"group_id": "g02"}, headers=bearer(branch)
        )
        assert hidden_group.status_code == 404


async def test_branch_admin_change_feed_and_requests_are_scoped(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        everything = await all_devices(client, admin, state="active")
        inside = [d["id"] for d in everything if d["group_id"] in BRANCH][:2]
        outside = [d["id"] for d in everything if d["group_id"] not in BRANCH][:2]
        since = await seq_now(client, admin)

        mixed = await post_action(client, admin, "/inactivations", inside[:1] + outside[:1])
        assert mixed.status_code == 202
        only_outside = await post_action(client, admin, "/inactivations", outside[1:2])
        assert only_outside.status_code == 202

        feed = (
            await client.get(
                f"{API}/devices/changes", params={"since": since}, headers=bearer(branch)
            )
        ).json()
        assert [d["id"] for d in feed["changes"]] == inside[:1]
        admin_feed = (
            await client.get(
                f"{API}/devices/changes", params={"since": since}, headers=bearer(admin)
            )
        ).json()
        assert {d["id"] for d in admin_feed["changes"]} == {inside[0], *outside}
        assert feed["seq"] == admin_feed["seq"]

        listed = (await client.get(f"{API}/inactivations", headers=bearer(branch))).json()
        ids = [r["id"] for r in listed["items"]]
        assert mixed.json()["id"] in ids and only_outside.json()["id"] not in ids
        shown = next(r for r in listed["items"] if r["id"] == mixed.json()["id"])
        assert [i["device_id"] for i in shown["items"]] == inside[:1]
        hidden = await client.get(
            f"{API}/inactivations/{only_outside.json()['id']}", headers=bearer(branch)
        )
        assert hidden.status_code == 404
        guessed = await client.get(f"{API}/inactivations/inact-999999", headers=bearer(branch))
        assert guessed.status_code == 404


async def test_cancelling_needs_every_device_in_scope(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        admin = await login(client)
        branch = await login(client, "branch-admin")
        active = await all_devices(client, admin, state="active")
        inside = [d["id"] for d in active if d["group_id"] in BRANCH][:2]
        outside = [d["id"] for d in active if d["group_id"] not in BRANCH][:1]
        now = await advance(client, 0)
        later = (datetime.fromisoformat(now) + timedelta(hours=1)).isoformat()
        mixed = await post_action(
            client, admin, "/inactivations", inside[:1] + outside, scheduled_at=later
        )
        own = await post_action(
            client,
            branch,
            "/inactivations",
            inside[1:],
            scheduled_at=later,
            password="demo-branch-pass",
        )
        refused = await client.delete(
            f"{API}/inactivations/{mixed.json()['id']}", headers=bearer(branch)
        )
        assert refused.status_code == 403
        cancelled = await client.delete(
            f"{API}/inactivations/{own.json()['id']}", headers=bearer(branch)
        )
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"


async def test_forced_delete_after_needs_the_deletion_permission(
    server_config: ServerConfig, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        "[[account]]\n"
        'name = "keeper"\nrole = "admin"\ncan_delete_devices = false\n'
        f'password_hash = "{hash_password("keeper-pass-123")}"\n',
        encoding="utf-8",
    )
    config = ServerConfig(
        db_path=tmp_path / "perm.sqlite3",
        fleet=50,
        seed=3,
        speed=0.0,
        accounts_file=accounts,
        sim_controls=True,
        rate_limit=None,
    )
    app = create_app(config)
    try:
        async with asgi_client(app) as client:
            token = await login(client, "keeper", "keeper-pass-123")
            devices = await all_devices(client, token)
            active = ids_where(devices, state="active")[:2]
            before = await seq_now(client, token)
            forbidden = await post_action(
                client,
                token,
                "/forced-inactivations",
                active,
                delete_after=True,
                password="keeper-pass-123",
            )
            assert forbidden.status_code == 403
            assert forbidden.json()["code"] == "forbidden"
            deletion = await post_action(
                client, token, "/device-deletions", active, password="keeper-pass-123"
            )
            assert deletion.status_code == 403
            assert await seq_now(client, token) == before
            # Without delete_after the same admin may force.
            forced = await post_action(
                client, token, "/forced-inactivations", active, password="keeper-pass-123"
            )
            assert forced.status_code == 200
            assert [i["outcome"] for i in forced.json()["items"]] == ["accepted"] * 2
            assert not any(i["deleted"] for i in forced.json()["items"])
    finally:
        app.state.world.close()


async def test_demo_accounts_are_replaced_by_an_accounts_file(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        "[[account]]\n"
        'name = "alice"\nrole = "operator"\ngroup_scope = ["g21"]\n'
        f'password_hash = "{hash_password("alice-pass")}"\n',
        encoding="utf-8",
    )
    app = create_app(ServerConfig(db_path=tmp_path / "a.sqlite3", fleet=20, accounts_file=accounts))
    try:
        async with asgi_client(app) as client:
            demo = await client.post(
                f"{API}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
            )
            assert demo.status_code == 401
            token = await login(client, "alice", "alice-pass")
            me = (await client.get(f"{API}/me", headers=bearer(token))).json()
            assert me == {
                "id": "alice",
                "name": "alice",
                "role": "operator",
                "group_scope": ["g21"],
                "can_delete_devices": False,
            }
            groups = (await client.get(f"{API}/groups", headers=bearer(token))).json()["items"]
            assert {g["id"] for g in groups} == {"g21", "g22", "g23"}
    finally:
        app.state.world.close()
