"""A hypothesis state machine over the real main screen, its device grid and the fleet cache.

Random change-feed deltas (``Fleet.apply(Changes(...))``, handed to the app exactly as a poll
hands them), filters, sorts, groups and subgroups, "checked only", cursor moves and check marks
drive the real :class:`MainScreen` and :class:`DeviceGrid` of a real :class:`MobiApp` (run by
Pilot against the reference server). After every step, an oracle that shares no code with
them but the sort key says which rows must be shown, in which order, which devices are checked
and where the cursor must be; and the visible rows are rendered.

The cursor's *neighbour* rule, stated here independently of ``fleet_view.follow``: when the
grid's rows are replaced (old rows ``R``, cursor row ``c``, new rows ``R'``),

- a new filter query (``top``): row 0;
- else, if ``R[c]`` (the device the cursor was on) is in ``R'``: its row in ``R'``;
- else: ``min(c, len(R') - 1)``, and 0 when ``R'`` is empty (then no device is under it).

A move by ``n`` rows lands on ``min(max(c + n, 0), len(R') - 1)``.

The steps run synchronously inside the app's event loop, as Pilot tests call widgets: what
the app's messages would do next (a check under "checked only" refreshes the view) is called
as its handler; the queued messages and timers run once the machine is done, and the app must
still be running then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from textual.geometry import Region

from mobitui.domain.models import Changes, Device, DeviceState, Enrollment, Platform
from mobitui.fleet.cache import SortKey, _sort_value
from mobitui.tui.app import MobiApp
from mobitui.tui.messages import FleetChanged
from mobitui.tui.screens.main import SORT_CYCLE, MainScreen
from mobitui.tui.widgets.device_grid import DeviceGrid, SortRequested
from tests.tui.helpers import loaded, make_app

#: Groups of the reference server's fixed tree: 大阪支店 (g17) and its three 課, 名古屋支店 (g21)
#: and its two, 福岡営業所 (g24, a leaf).
GROUPS = ("g17", "g18", "g19", "g20", "g21", "g22", "g23", "g24")
SUBTREE = {
    "g17": {"g17", "g18", "g19", "g20"},
    "g21": {"g21", "g22", "g23"},
}
#: Few letters, so names tie and queries match some rows and not others.
WORDS = ("a", "b", "ab", "ba", "山田", "Aa", "b-1")
QUERIES = ("", "a", "b", "ab", "山", "zz", "A", "1")
IDS = tuple(f"d{n:06d}" for n in range(1, 41))
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def device(device_id: str, draw: Callable[[Any], Any]) -> Device:
    return Device(
        id=device_id,
        name=draw(st.sampled_from(WORDS)),
        group_id=draw(st.sampled_from(GROUPS)),
        platform=draw(st.sampled_from([Platform.IOS, Platform.ANDROID])),
        os_version=draw(st.sampled_from(["12.1", "17.0", "14"])),
        model="m",
        serial=draw(st.sampled_from(["S1", "S2", "SAB"])) + device_id[-2:],
        user_name=draw(st.sampled_from(["山田 太郎", "Emily", "bob"])),
        phone_number=f"090-{device_id[-4:]}",
        enrollment=Enrollment.APPLE_MDM,
        dep=False,
        android_device_owner=False,
        dep_profile_removal_forbidden=False,
        silent_wlan=False,
        safari_restricted=False,
        state=draw(st.sampled_from(list(DeviceState))),
        pending_jobs=draw(st.integers(0, 2)),
        last_seen_at=draw(st.sampled_from([None, T0, T0 + timedelta(hours=1)])),
    )


def haystack_of(d: Device) -> str:
    return "\x00".join((d.name, d.serial, d.user_name, d.phone_number)).casefold()


@dataclass
class Model:
    """What the admin has chosen, and what must therefore be shown (brute force, apart from
    the app's views)."""

    devices: dict[str, Device] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    group: str | None = None
    subgroups: bool = False
    query: str = ""
    only_checked: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False

    def groups(self) -> set[str] | None:
        if self.group is None:
            return None
        return SUBTREE.get(self.group, {self.group}) if self.subgroups else {self.group}

    def rows(self) -> list[str]:
        if self.only_checked and not self.checked:
            self.only_checked = False  # the screen leaves "checked only" with nothing checked
        groups, needle = self.groups(), self.query.strip().casefold()
        shown = [
            d
            for d in self.devices.values()
            if (groups is None or d.group_id in groups)
            and (not self.only_checked or d.id in self.checked)
            and needle in haystack_of(d)
        ]
        shown.sort(key=lambda d: _sort_value(d, self.sort), reverse=self.descending)
        return [d.id for d in shown]


def neighbour(old: list[str], cursor: int, new: list[str], *, top: bool = False) -> int:
    if top or not new:
        return 0
    keep = old[cursor] if 0 <= cursor < len(old) else None
    if keep in new:
        return new.index(keep)
    return min(cursor, len(new) - 1)


class GridMachine(RuleBasedStateMachine):
    """One example: a fresh fleet in the already running app, then random steps."""

    app: MobiApp

    def __init__(self) -> None:
        super().__init__()
        self.screen: MainScreen = self.app.main_screen
        self.grid: DeviceGrid = self.screen.query_one(DeviceGrid)
        self.fleet = self.app.fleet
        self.model = Model()
        self.seq = 1000

    # ------------------------------------------------------------------ helpers

    def _expect(self, *, top: bool = False) -> None:
        """The rows were replaced: where the cursor must be now."""
        self.expected_cursor = neighbour(
            self.before, self.before_cursor, self.model.rows(), top=top
        )

    def _remember(self) -> None:
        """The rows on screen before a step replaces them (they equal the model's rows after
        every step: the invariant checks it). Taken from the grid, not the model: a step that
        changes a check mark has already changed the model's "checked only" rows by then."""
        self.before = list(self.grid.rows)
        self.before_cursor = self.grid.cursor

    def _checks_changed(self) -> None:
        """What ``DeviceGrid.ChecksChanged`` makes the screen do."""
        self._remember()
        self.screen._checks_changed()
        self._expect()

    def _apply(self, changed: list[Device], deleted: list[str]) -> None:
        self._remember()
        self.seq += 1
        delta = self.fleet.apply(Changes(changes=changed, deleted=deleted, seq=self.seq))
        for d in changed:
            self.model.devices[d.id] = d
        for i in deleted:
            self.model.devices.pop(i, None)
            self.model.checked.discard(i)
        assert set(delta.removed) == {i for i in deleted if i in self.before_ids}
        if delta.changed or delta.added or delta.removed:  # as MobiApp.poll_now posts it
            self.app._fleet_changed(FleetChanged(delta))
        self._expect()

    # ------------------------------------------------------------------ start

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        ids = data.draw(st.lists(st.sampled_from(IDS), unique=True, max_size=30), label="ids")
        devices = [device(i, data.draw) for i in ids]
        # Nothing of the previous example may leak in: not its rows, cursor, marks or choices.
        self.grid.set_rows([], top=True)
        self.fleet.checked.clear()
        self.fleet.load(devices, seq=self.seq)
        screen = self.screen
        screen.group, screen.include_subgroups = None, False
        screen.spec = replace(screen.spec, query="", only_checked=False, sort=SortKey.NAME)
        screen.spec = replace(screen.spec, descending=False)
        self.screen.query_one("#filter").value = ""
        self.model = Model(devices={d.id: d for d in devices})
        self.grid.cursor = 0
        screen.fleet_loaded()
        self.grid.scroll_to(y=0, animate=False, immediate=True)
        self.before, self.before_cursor = [], 0
        self.expected_cursor = 0
        self.before_ids: set[str] = set()

    # ------------------------------------------------------------------ deltas

    @rule(data=st.data())
    def delta(self, data: st.DataObject) -> None:
        """Random additions, changes (a rename, a group move, a state) and deletions."""
        self.before_ids = set(self.model.devices)
        touched = data.draw(st.lists(st.sampled_from(IDS), unique=True, max_size=8), label="set")
        changed = [device(i, data.draw) for i in touched]
        deleted = data.draw(st.lists(st.sampled_from(IDS), unique=True, max_size=6), label="del")
        deleted = [i for i in deleted if i not in touched]
        self._apply(changed, deleted)

    @precondition(lambda self: self.grid.cursor_id is not None)
    @rule()
    def delete_the_cursor_device(self) -> None:
        self.before_ids = set(self.model.devices)
        self._apply([], [self.grid.cursor_id])

    @precondition(lambda self: self.grid.cursor_id is not None)
    @rule(data=st.data())
    def move_the_cursor_device(self, data: st.DataObject) -> None:
        """A rename (under the name sort it moves) or a move to another group."""
        self.before_ids = set(self.model.devices)
        old = self.model.devices[self.grid.cursor_id]
        how = data.draw(st.sampled_from(["name", "group", "state"]))
        if how == "name":
            new = replace(old, name=data.draw(st.sampled_from((*WORDS, "zzz", "0"))))
        elif how == "group":
            new = replace(old, group_id=data.draw(st.sampled_from(GROUPS)))
        else:
            new = replace(old, state=data.draw(st.sampled_from(list(DeviceState))))
        self._apply([new], [])

    @precondition(lambda self: bool(self.model.checked))
    @rule()
    def delete_the_checked_devices(self) -> None:
        self.before_ids = set(self.model.devices)
        self._apply([], sorted(self.model.checked))

    @rule()
    def delete_the_open_group(self) -> None:
        self.before_ids = set(self.model.devices)
        groups = self.model.groups()
        doomed = [
            i for i, d in self.model.devices.items() if groups is None or d.group_id in groups
        ]
        self._apply([], doomed)

    @rule()
    def delete_everything(self) -> None:
        self.before_ids = set(self.model.devices)
        self._apply([], list(self.model.devices))

    # ------------------------------------------------------------------ what is shown

    @rule(group=st.sampled_from((None, *GROUPS)))
    def open_group(self, group: str | None) -> None:
        self._remember()
        node = type("Node", (), {"data": group})()
        self.screen._group_chosen(type("Selected", (), {"node": node})())  # as Enter does
        self.model.group = group
        self._expect()

    @rule()
    def subgroups(self) -> None:
        self._remember()
        self.screen.action_subgroups()
        self.model.subgroups = not self.model.subgroups
        self._expect()

    @rule(query=st.sampled_from(QUERIES))
    def type_a_filter(self, query: str) -> None:
        self._remember()
        self.screen.query_one("#filter").value = query  # each keystroke's path
        top = query != self.model.query and bool(query)
        self.model.query = query
        self._expect(top=top)

    @rule()
    def only_checked(self) -> None:
        self._remember()
        self.screen.action_only_checked()
        self.model.only_checked = not self.model.only_checked
        self._expect()

    @rule()
    def next_sort(self) -> None:
        self._remember()
        self.screen.action_next_sort()
        self.model.sort = SORT_CYCLE[(SORT_CYCLE.index(self.model.sort) + 1) % len(SORT_CYCLE)]
        self.model.descending = False
        self._expect()

    @rule()
    def reverse(self) -> None:
        self._remember()
        self.screen.action_reverse_sort()
        self.model.descending = not self.model.descending
        self._expect()

    @rule(key=st.sampled_from(list(SortKey)))
    def click_a_header(self, key: SortKey) -> None:
        self._remember()
        self.screen._sort_clicked(SortRequested(key))
        if key is self.model.sort:
            self.model.descending = not self.model.descending
        else:
            self.model.sort, self.model.descending = key, False
        self._expect()

    @rule()
    def escape(self) -> None:
        self._remember()
        self.screen.action_clear()
        model = self.model
        if model.query:
            model.query = ""
        elif model.only_checked:
            model.only_checked = False
        else:
            model.checked.clear()
        self._expect()

    # ------------------------------------------------------------------ cursor and checks

    @rule(
        how=st.sampled_from(["up", "down", "down", "page_up", "page_down", "first", "last"]),
        times=st.integers(1, 5),
    )
    def move(self, how: str, times: int) -> None:
        rows, page = self.model.rows(), self.grid._page()
        action = getattr(self.grid, f"action_{'cursor_' if how in ('up', 'down') else ''}{how}")
        for _ in range(times):
            cursor = self.grid.cursor
            action()
            target = {
                "up": cursor - 1,
                "down": cursor + 1,
                "page_up": cursor - page,
                "page_down": cursor + page,
                "first": 0,
                "last": len(rows) - 1,
            }[how]
            self.expected_cursor = max(0, min(target, len(rows) - 1))
            assert self.grid.cursor == self.expected_cursor

    @rule()
    def toggle_check(self) -> None:
        device_id = self.grid.cursor_id
        self.grid.action_toggle_check()
        if device_id is not None:
            self.model.checked ^= {device_id}
            self._checks_changed()

    @rule(step=st.sampled_from([-1, 1]))
    def extend(self, step: int) -> None:
        device_id = self.grid.cursor_id
        rows, cursor = self.model.rows(), self.grid.cursor
        self.grid.action_extend_down() if step > 0 else self.grid.action_extend_up()
        if device_id is None:
            return
        moved = max(0, min(cursor + step, len(rows) - 1))
        self.model.checked |= {device_id, rows[moved]}
        self.expected_cursor = moved
        self._checks_changed()

    @rule()
    def check_all(self) -> None:
        self.screen.action_check_all()
        self.model.checked |= set(self.model.rows())

    # ------------------------------------------------------------------ what must hold

    @invariant()
    def shows_what_was_chosen(self) -> None:
        if not hasattr(self, "expected_cursor"):
            return
        rows = self.model.rows()
        assert list(self.grid.rows) == rows
        assert self.fleet.checked == self.model.checked
        assert self.grid.cursor == self.expected_cursor, (self.before, self.before_cursor, rows)
        assert self.grid.cursor_id == (rows[self.grid.cursor] if rows else None)
        assert set(self.fleet.devices) == set(self.model.devices)

    @invariant()
    def renders(self) -> None:
        grid = self.grid
        lines = grid.render_lines(Region(0, 0, grid.size.width, grid.size.height))
        assert len(lines) == grid.size.height


@pytest.fixture
def grid_server(make_server):
    return make_server(fleet=40, seed=3)


@pytest.mark.timeout(900)  # ~10 s when it passes; shrinking a failure takes minutes
async def test_the_grid_survives_any_delta_and_keeps_its_cursor_on_a_neighbour(
    grid_server,
) -> None:
    app = make_app(grid_server)
    async with app.run_test(size=(100, 16)) as pilot:
        await loaded(pilot)
        GridMachine.app = app
        run_state_machine_as_test(
            GridMachine,
            settings=settings(
                max_examples=60,
                stateful_step_count=50,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            ),
        )
        await pilot.pause()  # the messages and timers the steps queued
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
