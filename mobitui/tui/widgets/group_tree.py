"""The 「端末管理」 sidebar's group tree, with device counts computed from the fleet cache.

Counts come from the local cache rather than the server's ``device_count`` so they always agree
with what the grid shows after a live update (while the first sync is still loading, the cache
holds the server's counts: see ``Fleet.load``). Group names come from the server, so labels are
``Text`` objects: a group named ``[b]x`` is shown literally, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from mobitui.fleet.cache import Fleet
from mobitui.i18n import Catalogue

#: Tree node data: a group id, or None for "every device".
NodeData = str | None


class GroupTree(Tree[NodeData]):
    """Groups as a tree under an "all devices" root; Enter opens a group."""

    def __init__(self, catalogue: Catalogue, **kwargs: object) -> None:
        super().__init__(Text(catalogue("all_devices")), data=None, **kwargs)  # type: ignore[arg-type]
        self.t = catalogue
        self.show_root = True
        self.guide_depth = 2
        self._shown: object = None

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
        self.root.set_label(
            Text.assemble(self.t("all_devices"), (f" ({sum(direct.values())})", "dim"))
        )
        keep: TreeNode[NodeData] | None = None

        def add(parent: TreeNode[NodeData], gid: str) -> None:
            nonlocal keep
            count = subtree_count(gid) if include_subgroups else direct[gid]
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
