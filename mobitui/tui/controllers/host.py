"""What the controllers use of the App: small protocols, so they never import it.

The App (:class:`mobitui.tui.app.MobiApp`) satisfies both; a test may pass anything that
does. A controller typed against the App itself imported the App's module, which imports the
controller back: these protocols are the whole of what a controller may touch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.screen import Screen

from mobitui.api.client import MobiClient
from mobitui.domain.models import Account, Device
from mobitui.fleet.cache import Fleet
from mobitui.i18n import Catalogue

if TYPE_CHECKING:
    from mobitui.local.checklists import ChecklistStore
    from mobitui.tui.screens.main import MainScreen

T = TypeVar("T")


class RunFacts(Protocol):
    """What a controller reads of how this run was started (the App's ``launch``)."""

    @property
    def base_url(self) -> str: ...

    @property
    def profile(self) -> str: ...

    @property
    def account(self) -> str: ...

    @property
    def stall_after(self) -> timedelta: ...


class Host(Protocol):
    """What both controllers use: the words, the fleet, who is logged in where."""

    @property
    def t(self) -> Catalogue: ...

    @property
    def fleet(self) -> Fleet: ...

    @property
    def account(self) -> Account | None: ...

    @property
    def launch(self) -> RunFacts: ...

    @property
    def client(self) -> MobiClient: ...

    @property
    def main_screen(self) -> MainScreen: ...


class OperationsHost(Host, Protocol):
    """What :class:`~mobitui.tui.controllers.operations.Operations` uses of the App."""

    #: A bulk run is in flight (quitting asks first); set by the controller.
    bulk_running: bool

    @property
    def loaded(self) -> bool: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def read_only_reason(self) -> str | None: ...

    async def call(self, factory: Callable[[], Awaitable[T]]) -> T: ...

    def poll_now(self) -> object: ...

    def run_worker(
        self,
        work: Coroutine[Any, Any, None],
        *,
        group: str,
        exclusive: bool = False,
        exit_on_error: bool = True,
    ) -> object: ...


class FilesHost(Host, Protocol):
    """What :class:`~mobitui.tui.controllers.files.Files` uses of the App."""

    @property
    def checklists(self) -> ChecklistStore: ...

    #: This machine's clock (the checklist's countdown).
    @property
    def local_now(self) -> Callable[[], datetime]: ...

    def push_screen(
        self, screen: Screen[Any], callback: Callable[[Any], object] | None = None
    ) -> object: ...

    def copy_to_clipboard(self, text: str) -> None: ...

    async def call(self, factory: Callable[[], Awaitable[T]]) -> T: ...

    def run_worker(
        self,
        work: Coroutine[Any, Any, None],
        *,
        group: str,
        exclusive: bool = False,
        exit_on_error: bool = True,
    ) -> object: ...

    def inactivate_devices(self, devices: list[Device]) -> None: ...

    def force_devices(self, devices: list[Device]) -> None: ...
