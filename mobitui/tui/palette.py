"""The command palette (``ctrl+p``): one provider per screen, and the app's own.

A screen names its provider in ``COMMANDS`` (Textual asks the App's and the calling screen's
providers), so the palette offers what the screen in front can do: the main screen's commands
no longer show over a dialog, where they acted on a screen out of sight. Each command runs an
action on the calling screen, the same action its key runs (``app.…`` for the App's), so a
command and its key cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from mobitui.i18n import Catalogue


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
    """On every screen (beside Textual's own: quit, theme, keys, screenshot)."""

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
