"""The command palette (``ctrl+p``): one provider per screen, and the app's own.

A screen names its provider in ``COMMANDS`` (Textual asks the App's and the calling screen's
providers), so the palette offers what the screen in front can do: the main screen's commands
no longer show over a dialog, where they acted on a screen out of sight. Each command runs an
action on the calling screen, the same action its key runs (``app.…`` for the App's), so a
command and its key cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import (
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
    ProviderSource,
)
from textual.widgets.option_list import Option

from mobitui.i18n import Catalogue

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class Entry:
    """One command: its name and help line (catalogue keys) and the action it runs."""

    title: str
    help: str
    #: Run on the calling screen; ``app.…`` for an action of the App.
    action: str


@runtime_checkable
class Localised(Protocol):
    """A screen of ours: it holds the admin's catalogue."""

    t: Catalogue


class Commands(Provider):
    """The commands of ``ENTRIES``, in the calling screen's language."""

    ENTRIES: ClassVar[tuple[Entry, ...]] = ()

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Awaitable[None]]]]:
        screen = self.screen
        if not isinstance(screen, Localised):
            return
        t = screen.t
        for entry in self.ENTRIES:
            yield t(entry.title), t(entry.help), partial(screen.run_action, entry.action)

    async def discover(self) -> Hits:
        for name, help_text, run in sorted(self._commands(), key=lambda c: c[0]):
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            if (match := matcher.match(name)) > 0:
                yield Hit(match, matcher.highlight(name), run, help=help_text)


class AppCommands(Commands):
    """On every screen (beside the system commands of :func:`system_commands`)."""

    ENTRIES = (
        Entry("key.app.help", "help.help", "app.help"),
        # Log out quits too: the same question as quitting while a bulk run is in flight.
        Entry("logout", "help.logout", "app.logout"),
    )


class MainCommands(Commands):
    """The main screen's: its keys' actions, by name."""

    ENTRIES = (
        Entry("device_management", "help.menu", "app.open_action_menu"),
        Entry("key.main.requests", "help.requests", "app.open_requests"),
        Entry("key.main.retirement", "help.retirement", "app.open_retirement"),
        Entry("key.main.import_csv", "help.import_csv", "app.import_csv"),
        Entry("key.main.export_csv", "help.export_csv", "app.export_csv"),
        Entry("key.main.checklist", "help.checklist", "app.checklist_of_checked"),
        Entry("key.main.filter", "help.filter", "filter"),
        Entry("key.main.check_all", "help.check_all", "check_all"),
        Entry("key.main.only_checked", "help.only_checked", "only_checked"),
        Entry("key.main.subgroups", "help.subgroups", "subgroups"),
        Entry("key.main.sort", "help.sort", "next_sort"),
        Entry("key.main.refresh", "help.refresh", "app.refresh_now"),
    )


class RequestsCommands(Commands):
    """The requests screen's."""

    ENTRIES = (
        Entry("key.requests.refresh", "help.refresh", "reload"),
        Entry("key.requests.cancel", "help.requests_cancel", "cancel_request"),
        Entry("key.requests.force", "help.requests_force", "force"),
        Entry("key.requests.checklist", "help.checklist", "checklist"),
    )


class RetirementCommands(Commands):
    """The retirement view's (登録解除の進み具合)."""

    ENTRIES = (
        Entry("key.retirement.inactivate", "help.retirement_keys", "inactivate"),
        Entry("key.retirement.force", "help.retirement_keys", "force"),
        Entry("key.retirement.delete", "help.retirement_keys", "delete"),
        Entry("key.retirement.checklist", "help.checklist", "checklist"),
        Entry("key.retirement.refresh", "help.refresh", "reload"),
        Entry("key.retirement.report", "help.retirement_keys", "report"),
        Entry("key.retirement.sheets", "help.retirement_keys", "sheets"),
        Entry("key.retirement.rename", "help.retirement_keys", "rename"),
    )


#: The palette's own keys (Textual's, in English) → their catalogue keys, by action.
_PALETTE_KEYS = {
    "escape": "palette.key.escape",
    "cursor_down": "palette.key.down",
    "command_list('first')": "palette.key.first",
    "command_list('last')": "palette.key.last",
    "command_list('page_down')": "palette.key.page_down",
    "command_list('page_up')": "palette.key.page_up",
    "command_list('cursor_up')": "palette.key.up",
}


class Palette(CommandPalette):
    """Textual's command palette in the admin's language: its placeholder, its "no matches"
    line and its keys' names (Textual writes them in English)."""

    def __init__(
        self,
        t: Catalogue,
        providers: ProviderSource | None = None,
        placeholder: str = "palette.placeholder",
    ) -> None:
        """``providers`` None: the App's and the screen's (ctrl+p); ``placeholder`` a key."""
        if providers is None:
            super().__init__(placeholder=t(placeholder), id="--command-palette")
        else:
            super().__init__(providers, placeholder=t(placeholder))
        self._t = t
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(_PALETTE_KEYS[b.action]))
                if b.action in _PALETTE_KEYS
                else b
                for b in bindings
            ]

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's, with its "No matches found" in the catalogue's words."""
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self._t("palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)


def system_commands(app: App[Any], screen: Screen[Any], t: Catalogue) -> Iterator[SystemCommand]:
    """Textual's system commands that make sense here, in the admin's language.

    Theme (saved in settings.toml: :mod:`mobitui.tui.preferences`; its picker is
    :class:`Palette` too, ``MobiApp.search_themes``), Quit (the same question as ``q``
    mid-run) and maximize/minimize stay. Left out: Keys (Textual's English key panel: ``?``
    is our help, in the palette as 「ヘルプ」) and Screenshot (it writes an SVG of the screen,
    device data included, into the working directory of a shared jump host).
    """
    yield SystemCommand(t("palette.theme"), t("palette.theme.help"), app.action_change_theme)
    yield SystemCommand(t("palette.quit"), t("palette.quit.help"), app.action_quit)
    if screen.maximized is not None:
        yield SystemCommand(
            t("palette.minimize"), t("palette.minimize.help"), screen.action_minimize
        )
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(
            t("palette.maximize"), t("palette.maximize.help"), screen.action_maximize
        )
