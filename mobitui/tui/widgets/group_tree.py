"""The 「端末管理」 sidebar's group tree, with device counts computed from the fleet cache.

Counts come from the local cache rather than the server's ``device_count`` so they always agree
with what the grid shows after a live update (while the first sync is still loading, the cache
holds the server's counts: see ``Fleet.load``). Group names come from the server, so labels are
``Text`` objects: a group named ``[b]x`` is shown literally, never parsed as markup.

Type-to-jump (the main screen's ``g``) asks :meth:`GroupTree.matches` for the groups whose name
holds what was typed, compared after NFKC and case folding (全角／半角 and case do not matter),
names that start with it first, each kind in the tree's order.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from mobitui.fleet.cache import Fleet
from mobitui.i18n import Catalogue

#: Tree node data: a group id, or None for "every device".
NodeData = str | None


def fit_label(name: str, count: str, width: int) -> Text:
    """``name (count)`` in ``width`` cells: the count whole, the name cut with "…" before it."""
    room = width - cell_len(count)
    if cell_len(name) > room:
        # rstrip: a wide character that did not fit leaves a padding space before the "…".
        name = set_cell_size(name, max(0, room - 1)).rstrip() + "…" if room > 0 else ""
    return Text.assemble(name, (count, "dim"))


def fold(text: str) -> str:
    """What a group name and a typed query are compared as: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class GroupTree(Tree[NodeData]):
    """Groups as a tree under an "all devices" root; Enter opens a group."""

    class JumpTyped(Message):
        """A character no key is bound to was typed in the tree: it starts a jump."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, catalogue: Catalogue, **kwargs: object) -> None:
        super().__init__(Text(catalogue("all_devices")), data=None, **kwargs)  # type: ignore[arg-type]
        self.t = catalogue
        self.show_root = True
        self.guide_depth = 2
        self._shown: object = None
        #: Each group's folded name (the root's is "all devices"), for :meth:`matches`.
        self._folded: dict[NodeData, str] = {None: fold(catalogue("all_devices"))}
        #: Each node's name and count (" (3)"): the label is cut to the tree's width from them.
        self._parts: dict[NodeData, tuple[str, str]] = {}

    def populate(self, fleet: Fleet, include_subgroups: bool) -> None:
        """Rebuild the tree from the cache, keeping the cursor on the same group.

        Nothing happens when the groups and their counts are what the tree shows: most
        change-feed deltas only change states, and a rebuilt tree is a repaint over SSH.
        """
        direct = fleet.per_group
        shown = (include_subgroups, tuple(fleet.groups.values()), tuple(sorted(direct.items())))
        if shown == self._shown:
            return
        self._shown = shown
        self._folded = {None: fold(self.t("all_devices"))}
        self._folded.update((gid, fold(g.name)) for gid, g in fleet.groups.items())
        selected = self.cursor_node.data if self.cursor_node is not None else None
        children: dict[str | None, list[str]] = {}
        for group in fleet.groups.values():
            parent = group.parent_id if group.parent_id in fleet.groups else None
            children.setdefault(parent, []).append(group.id)
        for ids in children.values():
            ids.sort(key=lambda gid: (fleet.groups[gid].name, gid))

        def subtree_count(gid: str) -> int:
            return direct[gid] + sum(subtree_count(c) for c in children.get(gid, ()))

        self.clear()
        self._parts = {None: (self.t("all_devices"), f" ({sum(direct.values())})")}
        self.root.set_label(Text.assemble(*self._parts[None][:1], (self._parts[None][1], "dim")))
        keep: TreeNode[NodeData] | None = None

        def add(parent: TreeNode[NodeData], gid: str) -> None:
            nonlocal keep
            count = subtree_count(gid) if include_subgroups else direct[gid]
            self._parts[gid] = (fleet.groups[gid].name, f" ({count})")
            label = Text.assemble(fleet.groups[gid].name, (f" ({count})", "dim"))
            kids = children.get(gid, [])
            node = parent.add(label, data=gid, expand=True, allow_expand=bool(kids))
            if gid == selected:
                keep = node
            for kid in kids:
                add(node, kid)

        for gid in children.get(None, []):
            add(self.root, gid)
        self.root.expand()
        if keep is not None:
            self.move_cursor(keep)

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        """The label cut to what is left of the line after the guides: the count stays whole."""
        every: dict[NodeData, tuple[str, str]] = getattr(self, "_parts", {})
        parts = every.get(node.data)
        text = super().render_label(node, base_style, style)
        if parts is None or not self.size.width:
            return text
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        prefix = text.cell_len - node._label.cell_len
        if text.cell_len <= room:
            return text
        name, count = parts
        label = fit_label(name, count, room - prefix)
        label.stylize(style)
        head = text[:prefix] if prefix else Text()
        return Text.assemble(head, label)

    # ------------------------------------------------------------------ type-to-jump

    def matches(self, query: str) -> list[TreeNode[NodeData]]:
        """The nodes whose name holds ``query``: those starting with it first, in tree order."""
        wanted = fold(query)
        if not wanted:
            return []
        first: list[TreeNode[NodeData]] = []
        inside: list[TreeNode[NodeData]] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            name = self._folded.get(node.data, "")
            if name.startswith(wanted):
                first.append(node)
            elif wanted in name:
                inside.append(node)
            stack.extend(reversed(node.children))
        return first + inside

    def reveal(self, node: TreeNode[NodeData]) -> None:
        """Put the cursor on ``node``, expanding its parents and scrolling it into view."""
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self._tree_lines  # noqa: B018 (rebuilds the lines, so the node's line is known now)
        self.move_cursor(node)

    def on_key(self, event: events.Key) -> None:
        """Japanese (any character outside ASCII) typed here starts a jump: ASCII letters stay
        the screen's keys (``m``, ``i``, ``q`` …); ``g`` starts a jump from anywhere."""
        char = event.character
        if char is not None and not char.isascii() and char.isprintable():
            event.stop()
            event.prevent_default()
            self.post_message(self.JumpTyped(char))
