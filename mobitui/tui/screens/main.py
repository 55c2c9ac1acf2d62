"""The screen an admin lives in: 「端末管理」 sidebar, device grid, filter, status line.

It shows and asks; it never calls the server. The app owns the client and the workers; the
fleet cache's changes reach this screen through the app's fleet signal
(:func:`mobitui.tui.messages.follow_fleet`, :meth:`MainScreen.fleet_changed`), and the keys
that open another screen run the App's actions (``app.open_action_menu``).
"""

from __future__ import annotations

import gc
from dataclasses import replace
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from mobitui.domain.models import Device
from mobitui.domain.text import visible
from mobitui.fleet.cache import Delta, Fleet, SortKey, ViewSpec
from mobitui.i18n import Catalogue
from mobitui.tui.bindings import localise
from mobitui.tui.messages import follow_fleet
from mobitui.tui.palette import MainCommands
from mobitui.tui.widgets.device_grid import DeviceGrid, SortRequested
from mobitui.tui.widgets.group_tree import GroupTree, NodeData
from mobitui.tui.widgets.key_footer import KeyFooter

SORT_CYCLE = list(SortKey)


class TopBar(Static):
    """Profile, account and role, connection state, and the read-only badge."""


class StatusLine(Static):
    """Checked / shown / total, the active filter and sort, and the latest notice."""


#: Seconds after the latest change-feed delta before the filter's index is rebuilt.
PREPARE_AFTER_DELTA = 1.0
#: Second-generation collections between two full ones (Python's default is 10).
FULL_GC_EVERY = 100


def _settle() -> None:
    """Leave what exists now out of the cyclic garbage collector's full passes.

    100,000 devices, their sort keys and the filter's index are a million long-lived objects
    that never form cycles; a full pass over them is a pause the admin feels (bench/README.md),
    at whatever keystroke it happens to fall on. (Objects frozen and later freed are still
    freed: only cycles among them would be kept, and there are none.)

    Full passes also come ten times less often than Python's default (every 100 second-
    generation passes, not 10): what the terminal UI leaves for the oldest generation is a few
    thousand objects a minute, and each full pass is a pause the admin feels while typing.
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_EVERY)


class FilterBox(Input):
    """The filter field: the grid follows each keystroke in the same frame as the echo.

    Through ``Input.Changed`` the echo of a key and the rows it selects arrive in two frames
    (the second a frame period later): twice the bytes, and the rows a frame late.
    """

    def watch_value(self, value: str) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.filter_by(value)


class JumpBox(Input):
    """「グループへ移動」: the tree's cursor follows each keystroke to the first group whose name
    holds what is typed; ↓/↑ (or Tab/Shift+Tab) the next/previous match, Enter opens it, Esc
    puts the cursor back."""

    BINDINGS = [
        Binding("down,tab", "step(1)", show=False),
        Binding("up,shift+tab", "step(-1)", show=False),
        Binding("escape", "cancel", show=False),
    ]

    def watch_value(self, value: str) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen) and self.display:
            screen.jump_to(value)

    def action_step(self, by: int) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.jump_step(by)

    def action_cancel(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.jump_cancel()

    def on_blur(self, event: events.Blur) -> None:
        # Focus gone elsewhere (a click): the jump ends where its cursor is.
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.jump_end()


class GroupTitle(Static):
    """Over the grid: the open group, with the groups it is in (「すべての端末」 for the root)."""

    _shown: Text | None = None

    def show(self, title: Text) -> None:
        """Repaint only when the title changed: the view is refreshed at every change of the
        fleet, and the line is one row high whatever it says (no layout pass)."""
        if title != self._shown:
            self._shown = title
            self.update(title, layout=False)


class MainScreen(Screen[None]):
    #: The grid has the focus from the start (Textual's default, the first focusable widget,
    #: is the tree: focusing it first and then the grid built the key bar twice).
    AUTO_FOCUS = "#grid"

    BINDINGS = [
        Binding("ctrl+a", "check_all", "check all", id="main.check_all"),
        Binding("escape", "clear", "clear", id="main.clear"),
        Binding("v", "only_checked", "checked only", id="main.only_checked"),
        Binding("slash", "filter", "filter", key_display="/", id="main.filter"),
        Binding("g", "jump", "go to group", id="main.jump"),
        Binding("m", "app.open_action_menu", "端末管理", id="main.menu"),
        Binding("i", "app.open_requests", "requests", id="main.requests"),
        Binding("R", "app.open_retirement", "retirement", show=False, id="main.retirement"),
        Binding("w", "app.checklist_of_checked", "on-device", show=False, id="main.checklist"),
        Binding("I", "app.import_csv", "import CSV", show=False, id="main.import_csv"),
        Binding("X", "app.export_csv", "export CSV", show=False, id="main.export_csv"),
        Binding("s", "subgroups", "subgroups", show=False, id="main.subgroups"),
        Binding("o", "next_sort", "sort", show=False, id="main.sort"),
        Binding("O", "reverse_sort", "reverse", show=False, id="main.reverse"),
        Binding("r", "app.refresh_now", "refresh", id="main.refresh"),
        Binding("b", "toggle_sidebar", "sidebar", show=False, id="main.sidebar"),
        Binding("c", "choose_columns", "columns", show=False, id="main.columns"),
        Binding("u", "undo_clear", "undo", show=False, id="main.undo"),
    ]

    #: The key bar's order of importance (binding ids): what fits of it is shown, whole, in this
    #: order; the help (``?``) lists every key anyway (``KeyFooter``).
    KEY_PRIORITY = (
        "grid.check",
        "main.menu",
        "app.help",
        "app.quit",
        "main.filter",
        "main.requests",
        "main.clear",
        "main.jump",
        "main.check_all",
        "main.only_checked",
        "main.refresh",
    )

    #: Below 100 columns the sidebar is narrower (80 columns keep the serial in the grid).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-medium"), (100, "-wide")]
    COMMANDS = {MainCommands}

    def __init__(self, fleet: Fleet, catalogue: Catalogue) -> None:
        super().__init__()
        self.fleet = fleet
        self.t = catalogue
        self.spec = ViewSpec()
        self.group: NodeData = None
        self.include_subgroups = False
        self.notice: Text | None = None
        self.header = Text("mobitui")
        self._prepare_timer: Timer | None = None
        #: on_mount has drawn the screen: from then on, changes are drawn as they come (Textual
        #: counts a screen as mounted only after its mount handlers, a moment later).
        self._drawn = False
        #: While a jump is open: where the cursor and the focus were, the matches, the current.
        self._jump_from: TreeNode[NodeData] | None = None
        self._jump_focus: object = None
        self._jump_matches: list[TreeNode[NodeData]] = []
        self._jump_index = 0
        #: The check marks Esc last cleared (``u`` puts them back), None when there is none.
        self._cleared: set[str] | None = None
        localise(self, catalogue)

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield Label(self.t("device_management"), id="sidebar-title")
                yield JumpBox(placeholder=self.t("jump.placeholder"), id="jump")
                yield GroupTree(self.t, id="groups")
            with Vertical(id="main"):
                yield GroupTitle(id="group-title")
                yield DeviceGrid(self.fleet, self.t, id="grid")
                yield FilterBox(placeholder=self.t("filter.placeholder"), id="filter")
        yield StatusLine(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one(JumpBox).display = False
        self.query_one(TopBar).update(self.header)
        follow_fleet(self, self.fleet_changed)
        # Not fleet_loaded(): the app pushes this screen once the first devices are in.
        self._draw_fleet()
        self._drawn = True

    # ------------------------------------------------------------------ data in

    @property
    def _drawable(self) -> bool:
        """Mounted and not being torn down (a refresh may land while the app exits)."""
        return self._drawn and self.is_attached and bool(self.query(GroupTree))

    def fleet_loaded(self) -> None:
        if self._drawable:  # else on_mount will draw what the cache holds
            self._draw_fleet()

    def _draw_fleet(self) -> None:
        self.query_one(GroupTree).populate(self.fleet, self.include_subgroups)
        # A load the admin has not moved the cursor in yet starts on row 1 (the pages of a
        # cold start would otherwise leave it on whichever device row 1 showed first).
        self.refresh_view(top=not self.query_one(DeviceGrid).touched)
        _settle()  # the devices and the sorted order the view just built
        self._prepare_filter()

    def _prepare_filter(self, delay: float = 0.0) -> None:
        """Build what the filter reads for the current sort in a thread, not at the next key.

        After a change-feed delta it waits ``delay`` seconds (again from the latest delta):
        the thread holds the interpreter lock for a while at 100k (bench/README.md), and the
        frame showing the delta comes first.
        """
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
            self._prepare_timer = None
        if delay > 0:
            self._prepare_timer = self.set_timer(delay, self._prepare_filter)
            return

        def prepare(key: SortKey) -> None:
            self.fleet.prepare(key)
            _settle()  # the haystacks and the joined index

        self.run_worker(
            partial(prepare, self.spec.sort),
            thread=True,
            exclusive=True,
            group="prepare-filter",
            exit_on_error=False,
        )

    def fleet_changed(self, delta: Delta) -> None:
        if not self._drawable:
            return
        if delta.unchecked:
            self.notice = Text(self.t("notice.unchecked_deleted", count=len(delta.unchecked)))
        if delta.added or delta.removed or delta.changed:
            self.query_one(GroupTree).populate(self.fleet, self.include_subgroups)
        self.refresh_view()
        _settle()  # the new snapshot of the order: 100,000 references to traverse otherwise
        self._prepare_filter(PREPARE_AFTER_DELTA)

    def set_header(self, text: Text) -> None:
        self.header = text
        if self._drawn:
            self.query_one(TopBar).update(text)

    # ------------------------------------------------------------------ view

    def _groups(self) -> frozenset[str] | None:
        if self.group is None:
            return None
        if self.include_subgroups:
            return self.fleet.subtree(self.group)
        return frozenset({self.group})

    def refresh_view(self, *, top: bool = False) -> None:
        grid = self.query_one(DeviceGrid)
        self.spec = replace(self.spec, groups=self._groups())
        if self.spec.only_checked and not self.fleet.checked:
            self.spec = replace(self.spec, only_checked=False)
        grid.sort, grid.descending = self.spec.sort, self.spec.descending
        grid.set_rows(self.fleet.view(self.spec), top=top)
        self.query_one(GroupTitle).show(self.group_title())
        self.update_status()

    def group_title(self) -> Text:
        """The open group and its parents, outermost first (names made visible, never markup)."""
        if self.group is None:
            return Text(self.t("all_devices"), style="bold")
        groups, names = self.fleet.groups, []
        gid: str | None = self.group
        seen: set[str] = set()
        while gid is not None and gid not in seen:
            seen.add(gid)
            group = groups.get(gid)
            names.append(visible(group.name if group is not None else gid))
            gid = group.parent_id if group is not None else None
        title = Text(no_wrap=True, overflow="ellipsis")
        for name in reversed(names[1:]):
            title.append(name, style="dim")
            title.append(" › ", style="dim")
        title.append(names[0], style="bold")
        return title

    def update_status(self) -> None:
        grid = self.query_one(DeviceGrid)
        t = self.t
        parts = [
            t(
                "status.counts",
                checked=len(self.fleet.checked),
                shown="…" if grid.counted is None else grid.counted,
                total=len(self.fleet.devices),
            ),
        ]
        if self.spec.query:
            parts.append(t("status.filter", query=self.spec.query))
        if self.spec.only_checked:
            parts.append(t("status.only_checked"))
        if self.include_subgroups:
            parts.append(t("status.subgroups"))
        arrow = "▼" if self.spec.descending else "▲"
        parts.append(t("status.sort", column=t(f"col.{_SORT_COLUMN[self.spec.sort]}"), arrow=arrow))
        line = Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
        if self.notice is not None:
            # The notice first: on 80 columns the counts and the sort leave it no room after.
            line = Text.assemble(self.notice, "  ", line, no_wrap=True, overflow="ellipsis")
        self.query_one(StatusLine).update(line)

    # ------------------------------------------------------------------ events

    @on(Tree.NodeSelected, "#groups")
    def _group_chosen(self, event: Tree.NodeSelected[NodeData]) -> None:
        self.group = event.node.data
        self.notice = None
        self.refresh_view()
        self.query_one(DeviceGrid).focus()

    @on(DeviceGrid.ChecksChanged)
    def _checks_changed(self) -> None:
        self.notice = None
        if self.spec.only_checked:
            self.refresh_view()
        else:
            self.update_status()

    @on(DeviceGrid.RowsCounted)
    def _rows_counted(self) -> None:
        self.update_status()

    @on(SortRequested)
    def _sort_clicked(self, event: SortRequested) -> None:
        if event.key is self.spec.sort:
            self.spec = replace(self.spec, descending=not self.spec.descending)
        else:
            self.spec = replace(self.spec, sort=event.key, descending=False)
        self.refresh_view()
        self._prepare_filter()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.filter_by(event.value)

    def filter_by(self, query: str) -> None:
        if query != self.spec.query:
            # Narrowing to a query starts from its first match (clearing it keeps the device).
            # The last action's notice is old news now: the filter takes the line.
            self.notice = None
            self.spec = replace(self.spec, query=query)
            self.refresh_view(top=bool(query))

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DeviceGrid).focus()

    # ------------------------------------------------------------------ actions

    def action_jump(self, text: str = "") -> None:
        """g: the jump box over the sidebar (shown for it on a narrow terminal too)."""
        box = self.query_one(JumpBox)
        tree = self.query_one(GroupTree)
        if not box.display:
            self._jump_from = tree.cursor_node
            focused = self.app.focused
            self._jump_focus = focused if focused is not box else None
            self.add_class("-jumping")
            box.display = True
        box.focus()
        box.value = text
        box.cursor_position = len(text)
        if not text:
            self.jump_to("")

    @on(GroupTree.JumpTyped)
    def _jump_typed(self, event: GroupTree.JumpTyped) -> None:
        self.action_jump(event.text)

    def jump_to(self, query: str) -> None:
        """The tree's cursor to the first group matching ``query`` (none: it stays, and says so)."""
        tree = self.query_one(GroupTree)
        box = self.query_one(JumpBox)
        self._jump_matches = tree.matches(query)
        self._jump_index = 0
        self.notice = None
        box.remove_class("-none")
        if self._jump_matches:
            tree.reveal(self._jump_matches[0])
        elif not query:
            if self._jump_from is not None and self._jump_from.tree is tree:
                tree.reveal(self._jump_from)
        else:
            box.add_class("-none")
            self.notice = Text(self.t("jump.none", query=visible(query)))
        self.update_status()

    def jump_step(self, by: int) -> None:
        if self._jump_matches:
            self._jump_index = (self._jump_index + by) % len(self._jump_matches)
            self.query_one(GroupTree).reveal(self._jump_matches[self._jump_index])

    def jump_end(self) -> None:
        """Hide the jump box; the cursor stays where the jump left it."""
        box = self.query_one(JumpBox)
        if box.display:
            box.display = False
            self.remove_class("-jumping")
            self._jump_matches = []
            box.remove_class("-none")
            if self.notice is not None and box.value:
                self.notice = None
                self.update_status()

    def jump_cancel(self) -> None:
        """Esc in the jump box: the cursor and the focus back where they were."""
        tree = self.query_one(GroupTree)
        if self._jump_from is not None and self._jump_from.tree is tree:
            tree.reveal(self._jump_from)
        back = self._jump_focus
        self.jump_end()
        self.notice = None
        self.update_status()
        if isinstance(back, DeviceGrid | GroupTree | Input) and back.is_attached and back.display:
            back.focus()
        else:
            self.query_one(DeviceGrid).focus()

    @on(Input.Submitted, "#jump")
    def _jump_chosen(self) -> None:
        """Enter: open the match under the cursor in the grid, as Enter on the tree does."""
        if not self._jump_matches:
            if not self.query_one(JumpBox).value:
                self.jump_cancel()
            return
        node = self._jump_matches[self._jump_index]
        self.jump_end()
        self.query_one(GroupTree).select_node(node)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear(self) -> None:
        """Esc: the filter first, then the check marks."""
        box = self.query_one("#filter", Input)
        if self.spec.query or box.has_focus:
            box.value = ""
            box.display = False
            self.spec = replace(self.spec, query="")
            self.query_one(DeviceGrid).focus()
        elif self.spec.only_checked:
            self.spec = replace(self.spec, only_checked=False)
        elif self.fleet.checked:
            self._cleared = set(self.fleet.checked)
            self.fleet.checked.clear()
            self.notice = Text(self.t("notice.cleared", count=len(self._cleared)))
            self.refresh_view()
            return
        self.notice = None
        self.refresh_view()

    def action_undo_clear(self) -> None:
        """u: the check marks Esc last cleared come back (those of devices still there)."""
        if self._cleared is None:
            self.notice = Text(self.t("notice.nothing_to_undo"))
            self.update_status()
            return
        restored = [i for i in self._cleared if i in self.fleet.devices]
        self._cleared = None
        self.fleet.check(restored)
        self.notice = Text(self.t("notice.restored", count=len(restored)))
        self.refresh_view()

    def action_toggle_sidebar(self) -> None:
        """b: hide the sidebar (the grid takes its width), or show it again."""
        hidden = not self.has_class("-nosidebar")
        self.set_class(hidden, "-nosidebar")
        if hidden and self.query_one(GroupTree).has_focus:
            self.query_one(DeviceGrid).focus()

    def action_choose_columns(self) -> None:
        """c: which of the grid's columns to show (kept for the session)."""
        from mobitui.tui.screens.column_chooser import ColumnChooser

        grid = self.query_one(DeviceGrid)

        def chosen(hidden: frozenset[str] | None) -> None:
            if hidden is not None:
                grid.set_hidden(hidden)

        self.app.push_screen(ColumnChooser(self.t, grid.hidden), chosen)

    @on(DeviceGrid.CopyRequested)
    def _copy(self, event: DeviceGrid.CopyRequested) -> None:
        """y / Y: the cursor device's serial / id to the clipboard (OSC 52), as shown."""
        device = self.fleet.devices.get(event.device_id)
        if device is None:
            return
        text = visible(device.serial if event.what == "serial" else device.id)
        self.app.copy_to_clipboard(text)
        key = "notice.copied_serial" if event.what == "serial" else "notice.copied_id"
        self.notice = Text(self.t(key, text=text))
        self.update_status()

    def action_check_all(self) -> None:
        self.fleet.check(self.query_one(DeviceGrid).rows)
        self.query_one(DeviceGrid).refresh()
        self.update_status()

    def action_only_checked(self) -> None:
        self.spec = replace(self.spec, only_checked=not self.spec.only_checked)
        self.refresh_view()

    def action_subgroups(self) -> None:
        self.include_subgroups = not self.include_subgroups
        self.query_one(GroupTree).populate(self.fleet, self.include_subgroups)
        self.refresh_view()

    def action_next_sort(self) -> None:
        index = (SORT_CYCLE.index(self.spec.sort) + 1) % len(SORT_CYCLE)
        self.spec = replace(self.spec, sort=SORT_CYCLE[index], descending=False)
        self.refresh_view()
        self._prepare_filter()

    def action_reverse_sort(self) -> None:
        self.spec = replace(self.spec, descending=not self.spec.descending)
        self.refresh_view()

    def retirement_scope(self) -> tuple[str, list[Device]]:
        """What the retirement view opens on: the open group's name, and the checked devices
        if any, else every device of the open group (and its subgroups when they are shown)."""
        group = self.fleet.groups.get(self.group) if self.group is not None else None
        name = group.name if group is not None else self.t("all_devices")
        if self.fleet.checked:
            return name, self.fleet.checked_devices()
        groups = self._groups()
        devices = self.fleet.devices.values()
        return name, [d for d in devices if groups is None or d.group_id in groups]

    def shown_devices(self) -> list[Device]:
        """The devices the grid shows, in its order (what ``X`` exports)."""
        rows, devices = self.query_one(DeviceGrid).rows, self.fleet.devices
        # ``get``: the grid's view may predate a delta still on its way (a device just deleted).
        return [d for i in rows if (d := devices.get(i)) is not None]


_SORT_COLUMN = {
    SortKey.NAME: "name",
    SortKey.PLATFORM: "os",
    SortKey.ENROLLMENT: "enrollment",
    SortKey.STATE: "state",
    SortKey.USER: "user",
    SortKey.SERIAL: "serial",
    SortKey.LAST_SEEN: "last_seen",
    SortKey.JOBS: "jobs",
}
