"""The key bar: Textual's Footer, rebuilt only when what it shows changes.

Textual's Footer recomposes (unmounts and mounts a widget per key, each styled anew) whenever
its screen publishes "bindings updated", which it does on every focus change, screen resume and
``refresh_bindings``, whether or not a key appeared, vanished or was enabled. On the main screen
that is about twenty keys each time, several times during start-up before the first devices
showed (bench/README.md). This Footer remembers what it last showed and skips a rebuild that
would draw the same keys.

Textual's Footer also lays its keys out in a row and lets the terminal cut the row wherever it
ends (on 80 columns ``m``, ``i``, ``q`` and ``?`` were gone, ``e 報`` ended the retirement
view's bar at 110). This one shows whole keys only: a screen may name its keys' binding ids in
``KEY_PRIORITY``, most important first, and the bar takes, in that order (then the screen's own
order), every key that still fits; the help (``?``) lists them all. The command palette's key
is shown at the right in the admin's language (``key.app.palette``: 「^p コマンド」).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Cells a key takes besides its key and description: " k " then "description ".
KEY_PADDING = 3
#: The palette's key also has its left border and right padding.
PALETTE_EXTRA = 2


def fitting(widths: list[int], room: int) -> list[int]:
    """Indexes of ``widths`` (most important first) taken while each still fits in ``room``."""
    taken = []
    for index, width in enumerate(widths):
        if width <= room:
            taken.append(index)
            room -= width
    return taken


class KeyFooter(Footer):
    """A Footer that shows whole keys by importance, recomposed only when they change."""

    #: What the last composition showed (None: nothing yet).
    _shown: Hashable | None = None
    #: A recomposition is scheduled: it will read the state as it is then.
    _pending = False

    def _signature(self, screen: Screen) -> Hashable:
        """Everything ``Footer.compose`` reads: the shown keys, their labels and state."""
        app = self.app
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, self.compact, self._room()

    def _room(self) -> int:
        """The bar's width (the screen's before the bar was laid out)."""
        return self.size.width or self.app.size.width

    def _label(self, key: str, default: str) -> str:
        t = getattr(self.app, "t", None)
        return t(key) if t is not None else default

    def compose(self) -> ComposeResult:
        self._pending = False
        self._shown = self._signature(self.screen) if self._bindings_ready else None
        if not self._bindings_ready:
            return
        screen, app = self.screen, self.app
        active = screen.active_bindings
        first: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                first.setdefault(binding.action, (binding, enabled, tooltip))
        priority = list(getattr(screen, "KEY_PRIORITY", ()))

        def rank(item: tuple[int, tuple[Binding, bool, str]]) -> tuple[int, int]:
            order, (binding, _, _) = item
            if binding.id in priority:
                return priority.index(binding.id), order
            return len(priority), order

        keys = [item for _, item in sorted(enumerate(first.values()), key=rank)]
        room = self._room()
        palette = self._palette(active)
        if palette is not None:
            room -= self._width(palette) + PALETTE_EXTRA
        widths = [
            self._width(FooterKey(b.key, app.get_key_display(b), b.description, b.action))
            for b, _, _ in keys
        ]
        for index in fitting(widths, room):
            binding, enabled, tooltip = keys[index]
            yield FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            yield palette

    @staticmethod
    def _width(key: FooterKey) -> int:
        return cell_len(key.key_display) + cell_len(key.description) + KEY_PADDING

    def _palette(self, active: Mapping[str, tuple[object, Binding, bool, str]]) -> FooterKey | None:
        """The palette's key, described in the admin's language (None: not shown)."""
        app = self.app
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE):
            return None
        found = active.get(app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        description = self._label("key.app.palette", binding.description)
        return FooterKey(
            binding.key,
            app.get_key_display(binding),
            description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=description,
        )

    def on_resize(self, _event: events.Resize) -> None:
        """A new width may fit more keys, or fewer: rebuilt when what fits changed."""
        if self._bindings_ready and self.is_attached:
            self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            if self._pending or self._signature(screen) == self._shown:
                return
            self._pending = True
        super().bindings_changed(screen)
