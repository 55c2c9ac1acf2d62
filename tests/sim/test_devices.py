"""Device listing, filters, cursor paging under concurrent deletion, and the change feed."""

from __future__ import annotations

import asyncio
import random

import httpx
from starlette.applications import Starlette

from mobitui.domain.models import Changes, Device, DevicePage
from mobitui.sim.server import BackgroundServer
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
    set_behaviour,
)


async def test_devices_parse_as_domain_models(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        page = DevicePage.from_json(
            (await client.get(f"{API}/devices", params={"limit": 50}, headers=bearer(token))).json()
        )
        assert len(page.items) == 50 and page.total == 200 and page.next_cursor
        one = await client.get(f"{API}/devices/{page.items[0].id}", headers=bearer(token))
        assert Device.from_json(one.json()) == page.items[0]


async def test_paging_visits_every_device_once_in_id_order(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token, limit=13)
        ids = [d["id"] for d in devices]
        assert len(ids) == 200 == len(set(ids))
        assert ids == sorted(ids)


async def test_limit_is_capped_and_validated(make_server) -> None:
    running: BackgroundServer = make_server(max_page=25)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)
        page = await client.get(f"{API}/devices", params={"limit": 500}, headers=bearer(token))
        assert len(page.json()["items"]) == 25
        assert (await client.get(f"{API}/limits")).json()["max_page_size"] == 25
        for params in ({"limit": 0}, {"limit": "x"}, {"cursor": "garbage"}, {"state": "gone"}):
            bad = await client.get(f"{API}/devices", params=params, headers=bearer(token))
            assert bad.status_code == 422, params
            assert bad.json()["code"] == "invalid_query"


async def test_filters_by_group_state_and_text(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        everything = await all_devices(client, token)
        direct = await all_devices(client, token, group_id="g17")
        subtree = await all_devices(client, token, group_id="g17", include_subgroups="true")
        assert {d["group_id"] for d in direct} <= {"g17"}
        assert {d["id"] for d in subtree} == {
            d["id"] for d in everything if d["group_id"] in {"g17", "g18", "g19", "g20"}
        }
        inactive = await all_devices(client, token, state="inactive")
        assert inactive and {d["state"] for d in inactive} == {"inactive"}
        both = await all_devices(client, token, state=["inactive", "inactivation_pending"])
        assert len(both) == len(
            [d for d in everything if d["state"] in ("inactive", "inactivation_pending")]
        )

        sample = next(d for d in everything if d["phone_number"])
        by_serial = await all_devices(client, token, q=sample["serial"])
        assert [d["id"] for d in by_serial] == [sample["id"]]
        by_phone = await all_devices(client, token, q=sample["phone_number"].replace("-", ""))
        assert sample["id"] in [d["id"] for d in by_phone]
        surname = next(d for d in everything if " " in d["user_name"])["user_name"].split()[0]
        by_user = await all_devices(client, token, q=surname)
        assert by_user and all(surname in d["user_name"] or surname in d["name"] for d in by_user)
        page = await client.get(
            f"{API}/devices", params={"q": surname, "limit": 1}, headers=bearer(token)
        )
        assert page.json()["total"] == len(by_user)
        literal = await all_devices(client, token, q="%")
        assert literal == []  # LIKE wildcards are matched literally


async def test_control_characters_in_q_are_refused(server: BackgroundServer) -> None:
    """``q=%00`` reached SQLite's LIKE, which stops at a NUL: it matched every device."""
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        token = await login(client)
        refused = ["\x00", "iPad\x00", "\x00%", "a\tb", "\n", "\r", "\x1b[31m", "\x7f", "x\x1f"]
        for q in refused:
            response = await client.get(f"{API}/devices", params={"q": q}, headers=bearer(token))
            assert response.status_code == 422, (q, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert problem["code"] == "invalid_query" and "'q'" in problem["detail"]
            assert "U+00" in problem["detail"]
        # Other characters are still matched literally: nothing in this fleet holds them.
        for q in ("\x85", "\u202e", "%"):
            response = await client.get(f"{API}/devices", params={"q": q}, headers=bearer(token))
            assert response.status_code == 200, (q, response.text)
            assert response.json()["total"] == 0, q


async def test_cursor_paging_is_stable_while_devices_are_deleted(server: BackgroundServer) -> None:
    """Page through every device while another client deletes devices concurrently: no
    surviving device is skipped or repeated."""
    async with (
        httpx.AsyncClient(base_url=server.base_url) as reader,
        httpx.AsyncClient(base_url=server.base_url) as writer,
    ):
        token = await login(reader)
        before = {d["id"] for d in await all_devices(reader, token)}
        victims = sorted(before)
        random.Random(5).shuffle(victims)
        victims = victims[:60]
        seen: list[str] = []

        async def read_all() -> None:
            cursor = None
            while True:
                params: dict[str, object] = {"limit": 7}
                if cursor:
                    params["cursor"] = cursor
                page = (
                    await reader.get(f"{API}/devices", params=params, headers=bearer(token))
                ).json()
                seen.extend(d["id"] for d in page["items"])
                cursor = page["next_cursor"]
                await asyncio.sleep(0.002)
                if cursor is None:
                    return

        async def delete_some() -> None:
            for start in range(0, len(victims), 6):
                response = await post_action(
                    writer,
                    token,
                    "/forced-inactivations",
                    victims[start : start + 6],
                    delete_after=True,
                )
                assert response.status_code == 200
                await asyncio.sleep(0.003)

        await asyncio.gather(read_all(), delete_some())
        after = {d["id"] for d in await all_devices(reader, token)}
    assert after == before - set(victims)
    assert len(seen) == len(set(seen)), "a device was repeated"
    assert after <= set(seen), "a surviving device was skipped"
    assert seen == sorted(seen)


async def test_paging_interleaved_with_deletions_behind_and_ahead(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        first = (
            await client.get(f"{API}/devices", params={"limit": 20}, headers=bearer(token))
        ).json()
        seen = [d["id"] for d in first["items"]]
        behind = seen[5:8]
        second = (
            await client.get(
                f"{API}/devices",
                params={"limit": 20, "cursor": first["next_cursor"]},
                headers=bearer(token),
            )
        ).json()
        ahead_page = second["items"]
        ahead = [ahead_page[0]["id"], ahead_page[1]["id"]]  # the very next ones
        gone = await post_action(
            client, token, "/forced-inactivations", behind + ahead, delete_after=True
        )
        assert all(i["deleted"] for i in gone.json()["items"])
        rest = (
            await client.get(
                f"{API}/devices",
                params={"limit": 20, "cursor": first["next_cursor"]},
                headers=bearer(token),
            )
        ).json()
        ids = [d["id"] for d in rest["items"]]
        assert ids[0] == ahead_page[2]["id"]
        assert not set(ids) & set(seen)


async def test_change_feed_reports_changes_and_deletions(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active", safari_restricted=False)
        inactive = ids_where(devices, state="inactive")
        start = await seq_now(client, token)
        nothing = (
            await client.get(
                f"{API}/devices/changes", params={"since": start}, headers=bearer(token)
            )
        ).json()
        assert nothing == {"changes": [], "deleted": [], "seq": start}

        await post_action(client, token, "/inactivations", active[:2])
        await post_action(client, token, "/device-deletions", inactive[:1])
        feed = Changes.from_json(
            (
                await client.get(
                    f"{API}/devices/changes", params={"since": start}, headers=bearer(token)
                )
            ).json()
        )
        assert {d.id for d in feed.changes} == set(active[:2])
        assert all(d.state.value == "inactivation_pending" for d in feed.changes)
        assert feed.deleted == inactive[:1]
        assert feed.seq > start

        again = (
            await client.get(
                f"{API}/devices/changes", params={"since": feed.seq}, headers=bearer(token)
            )
        ).json()
        assert again["changes"] == [] and again["deleted"] == []

        # The simulation's own progress shows up in the feed too.
        for device_id in active[:2]:
            await set_behaviour(client, device_id, "regular")
        await advance(client, 3 * 3600)
        token = await login(client)  # the old token may have expired meanwhile
        later = Changes.from_json(
            (
                await client.get(
                    f"{API}/devices/changes", params={"since": feed.seq}, headers=bearer(token)
                )
            ).json()
        )
        assert later.seq > feed.seq
        moved = {d.id: d.state.value for d in later.changes}
        assert {moved.get(d) for d in active[:2]} == {"inactive"}


async def test_idle_devices_do_not_churn_the_feed(frozen_app: Starlette) -> None:
    async with asgi_client(frozen_app) as client:
        token = await login(client)
        await advance(client, 7 * 86400)  # let the seeded pending devices settle
        token = await login(client)
        start = await seq_now(client, token)
        await advance(client, 4 * 3600)
        feed = (
            await client.get(
                f"{API}/devices/changes", params={"since": start}, headers=bearer(token)
            )
        ).json()
    assert feed["changes"] == [] and feed["seq"] == start
