"""The key bar: Textual's Footer, rebuilt only when what it shows changes.

Textual's Footer recomposes (unmounts and mounts a widget per key, each styled anew) whenever
its screen publishes "bindings updated", which it does on every focus change, screen resume and
``refresh_bindings``, whether or not a key appeared, vanished or was enabled. On the main screen
that is about twenty keys each time, several times during start-up before the first devices
showed (bench/README.md). This Footer remembers what it last showed and skips a rebuild that
would draw the same keys.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that recomposes only when its keys (or their state) change."""

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
        return keys, self.show_command_palette, self.compact

    def compose(self) -> ComposeResult:
        self._pending = False
        self._shown = self._signature(self.screen) if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            if self._pending or self._signature(screen) == self._shown:
                return
            self._pending = True
        super().bindings_changed(screen)
