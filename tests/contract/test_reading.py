"""Groups, device paging and filters, single devices and the change feed, on the real server."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from mobitui.api.errors import NotFound
from mobitui.domain.models import DeviceState
from tests.contract.faults import PASSWORDS, connect
from tests.contract.runs import force_inactivate, inactivate


@pytest.fixture
async def admin(server):
    client = await connect(server)
    async with client:
        yield client


async def test_paging_yields_every_device_exactly_once(admin, server):
    pages = [page async for page in admin.device_pages(limit=7)]
    ids = [d.id for page in pages for d in page.items]
    assert len(pages) == -(-server.config.fleet // 7)
    assert all(page.total == server.config.fleet for page in pages)
    assert len(ids) == len(set(ids)) == server.config.fleet
    assert all(len(page.items) <= 7 for page in pages)


async def test_a_limit_above_the_server_maximum_is_clamped(make_server):
    small = make_server(max_page=25)
    client = await connect(small)
    async with client:
        pages = [page async for page in client.device_pages(limit=10_000)]
    assert [len(p.items) for p in pages[:-1]] == [25] * (len(pages) - 1)
    assert sum(len(p.items) for p in pages) == small.config.fleet


async def test_after_a_small_opening_page_the_next_is_asked_for_only_when_the_caller_resumes(
    admin, server
):
    # The opening page is drawn first: the server must not build the next (largest) page on
    # the same CPU meanwhile. Later pages are asked for while the current one is handled.
    asked: list[str] = []

    async def record(request) -> None:
        if request.url.path.endswith("/devices"):
            asked.append(request.url.params.get("cursor", "opening"))

    admin._http.event_hooks["request"].append(record)
    seen_at_page: list[int] = []
    async for page in admin.device_pages(first=5, limit=7):
        seen_at_page.append(len(asked))
        assert page.items
    assert seen_at_page[0] == 1  # the opening page alone: nothing asked for behind it
    assert seen_at_page[1] == 3  # the second page, with the third already on its way
    assert len(asked) == len(seen_at_page) == 1 + -(-(server.config.fleet - 5) // 7)


async def test_paging_is_stable_while_devices_change_and_disappear(admin, server):
    everyone = [d.id async for d in admin.iter_devices()]
    seen: list[str] = []
    gone: list[str] = []
    async for page in admin.device_pages(limit=20):
        seen += [d.id for d in page.items]
        if len(seen) == 20:  # after the first page: delete ahead of and behind the cursor
            # ahead of the next page too: that one is already on its way (the client prefetches)
            later = [i for i in everyone if i not in seen][20:25]
            gone = later
            await force_inactivate(
                admin, seen[:5] + later, delete_after=True, password=PASSWORDS["admin"], agree=True
            )
    assert Counter(seen).most_common(1)[0][1] == 1
    assert set(seen) == set(everyone) - set(gone)


async def test_group_filters_and_subgroups_follow_the_tree(admin):
    groups = await admin.groups()
    by_parent: dict[str | None, list[str]] = {}
    for group in groups:
        by_parent.setdefault(group.parent_id, []).append(group.id)
    parent = max(by_parent, key=lambda g: len(by_parent[g]) if g else -1)
    assert parent is not None

    def subtree(root: str) -> set[str]:
        found = {root}
        for child in by_parent.get(root, []):
            found |= subtree(child)
        return found

    own = [d async for d in admin.iter_devices(group_id=parent)]
    deep = [d async for d in admin.iter_devices(group_id=parent, include_subgroups=True)]
    counts = {g.id: g.device_count for g in groups}
    assert {d.group_id for d in own} <= {parent}
    assert len(own) == counts[parent]
    assert {d.group_id for d in deep} <= subtree(parent)
    assert len(deep) == sum(counts[g] for g in subtree(parent))
    with pytest.raises(NotFound):
        await anext(admin.iter_devices(group_id="no-such-group"))


async def test_state_and_text_filters(admin):
    states = Counter([d.state async for d in admin.iter_devices()])
    for state in DeviceState:
        found = [d async for d in admin.iter_devices(state=state)]
        assert len(found) == states[state] and all(d.state is state for d in found)
    target = await anext(admin.iter_devices())
    for q in (target.serial, target.name, target.user_name, target.phone_number):
        assert target.id in [d.id async for d in admin.iter_devices(q=q)]
    assert [d async for d in admin.iter_devices(q="no device is called this")] == []


async def test_one_device_matches_its_list_entry_and_unknown_ids_are_not_found(admin):
    listed = await anext(admin.iter_devices())
    assert await admin.device(listed.id) == listed
    with pytest.raises(NotFound):
        await admin.device("d999999")
    with pytest.raises(NotFound):
        await admin.device("../me")


async def test_change_feed_reports_changes_and_deletions_after_a_seq(admin):
    start = (await admin.changes(2**53)).seq
    assert (await admin.changes(start)).changes == []
    active = [d.id async for d in admin.iter_devices(state=DeviceState.ACTIVE)][:3]
    await inactivate(admin, active, password=PASSWORDS["admin"], agree=True)
    first = await admin.changes(start)
    assert first.seq > start
    assert {d.id for d in first.changes} >= set(active)
    assert all(d.state is DeviceState.INACTIVATION_PENDING for d in first.changes if d.id in active)
    await force_inactivate(
        admin, active[:1], delete_after=True, password=PASSWORDS["admin"], agree=True
    )
    second = await admin.changes(first.seq)
    assert second.deleted == active[:1]
    assert active[0] not in {d.id for d in second.changes}
    assert (await admin.changes(second.seq)).changes == []


async def test_hostile_names_from_the_server_arrive_visible(admin, server):
    """The fleet has no hostile names, so one is written straight into the server's database."""
    target = await anext(admin.iter_devices())
    hostile = "\x1b]0;pwned\x07iPad \u202eevil"
    with sqlite3.connect(server.config.db_path) as db:
        db.execute("UPDATE devices SET name = ? WHERE id = ?", (hostile, target.id))
    assert (await admin.device(target.id)).name == "␛]0;pwned␇iPad ⟪U+202E⟫evil"
    listed = [d async for d in admin.iter_devices(q="pwned")]
    assert [d.name for d in listed] == ["␛]0;pwned␇iPad ⟪U+202E⟫evil"]
