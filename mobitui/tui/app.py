"""The App: owns the client, the fleet cache and the workers; screens only show and ask.

- Every server call runs in a worker (``exit_on_error=False``); workers post messages and the
  handlers here update the screens. One ``Worker.StateChanged`` handler turns any worker error
  into a clear message on screen, never a traceback.
- An expired token mid-session (``Unauthenticated`` from any call) brings the login modal back
  over the current screen, then retries the call: filter, cursor and check marks are untouched.
- Live refresh never overlaps: the next poll of the change feed is scheduled when the current
  one finishes. A poll that finds nothing changed repaints nothing, so an idle screen over SSH
  sends nothing.
- The fleet starts warm from its snapshot on disk when it can (:mod:`mobitui.fleet.sync`); the
  snapshot is saved after the polls that changed something (at most every 30 s, so the first
  screen is never slowed by it) and at exit, and deleted on logout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from mobitui.api import session
from mobitui.api.client import MobiClient
from mobitui.api.errors import ApiError, Unauthenticated, Unreachable
from mobitui.api.retry import RetryPolicy
from mobitui.domain.models import Account, Device, Role
from mobitui.domain.rules import ActionKind
from mobitui.exit_codes import ExitCode
from mobitui.fleet import snapshot
from mobitui.fleet.cache import Fleet
from mobitui.fleet.sync import FleetSync
from mobitui.i18n import Catalogue, Lang, choose_lang
from mobitui.local import crash_reports, paths, profiles
from mobitui.present.errors import error_text, problem_text
from mobitui.tui import preferences
from mobitui.tui.bindings import localise
from mobitui.tui.hangup import watch_hangup
from mobitui.tui.launch import Launch
from mobitui.tui.messages import ConnectionState, FleetChanged, FleetLoaded, fleet_changed_signal
from mobitui.tui.palette import AppCommands, Palette, system_commands
from mobitui.tui.screens.bulk import dialog_for
from mobitui.tui.screens.main import MainScreen
from mobitui.tui.styles import stylesheets
from mobitui.tui.widgets.device_grid import DeviceGrid

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.app import SystemCommand
    from textual.screen import Screen

    from mobitui.local.checklists import ChecklistStore
    from mobitui.tui.controllers.files import Files
    from mobitui.tui.controllers.operations import Operations
    from mobitui.tui.screens.bulk.dialog import DialogContext
    from mobitui.tui.screens.login import LoginScreen

# Everything else (the dialogs, the checklist, the requests screen, journals and files) is
# imported where it is first used: none of it is needed to show the devices, and importing it
# all up front is a noticeable part of every start-up (bench/README.md, figure "startup").

T = TypeVar("T")

#: Seconds the first paint waits for devices (see ``MobiApp._hold_first_paint``).
FIRST_PAINT_HOLD = 0.5
#: Seconds a sync waits for its first page to be painted before it asks for the rest.
FIRST_PAGE_WAIT = 1.0

log = logging.getLogger(__name__)


class MobiApp(App[None]):
    CSS_PATH: ClassVar[list[str | PurePath]] = [*stylesheets()]
    TITLE = "mobitui"
    ENABLE_COMMAND_PALETTE = True
    #: Textual's own commands, ours on every screen; each screen adds its own (``palette``).
    COMMANDS = App.COMMANDS | {AppCommands}

    BINDINGS = [
        Binding("q", "quit_app", "quit", id="app.quit"),
        Binding("question_mark", "help", "help", key_display="?", id="app.help"),
    ]

    def __init__(
        self,
        launch: Launch | None,
        *,
        client: MobiClient | None = None,
        lang: Lang = "en",
        read_only: bool = False,
    ) -> None:
        """``launch`` None: first run, the profile form comes first (in ``lang``)."""
        super().__init__()
        self.launch = launch or Launch(base_url="", account="", lang=lang, read_only=read_only)
        self.needs_profile = launch is None
        self.t = Catalogue(self.launch.lang)
        self._client = client
        self.fleet = Fleet()
        self.account: Account | None = None
        self.connection = "connecting"
        self.connection_detail = ""
        self.bulk_running = False
        #: The "a bulk operation is running: quit?" question is on screen (``quit_asking``).
        self._asking_quit = False
        #: Unhandled exceptions: their tracebacks go to a 0600 file (see ``_handle_exception``).
        self._crashes = crash_reports.CrashLog("tui")
        #: The one line for the terminal after a crash (``cli`` prints it once the app stopped).
        self.crash_line: str | None = None
        #: The first full sync succeeded (until then, r retries the whole connection).
        self.loaded = False
        self._auth_lock = asyncio.Lock()
        #: The login dialog while a login is asked for (``_authenticate``).
        self._login_screen: LoginScreen | None = None
        self._poll_timer: Timer | None = None
        self._sync: FleetSync | None = None
        self._holding_paint = False
        self.main_screen = MainScreen(self.fleet, self.t)
        #: This machine's clock (the checklist's countdown); tests put a fake one here.
        self.local_now: Callable[[], datetime] = lambda: datetime.now(UTC)
        localise(self, self.t)
        #: settings.toml's theme and keymap, applied (its notices are shown once mounted).
        self.preferences = preferences.apply(self)

    # ------------------------------------------------------------------ lifecycle

    @property
    def client(self) -> MobiClient:
        if self._client is None:
            launch = self.launch
            self._client = MobiClient(
                launch.base_url,
                ca_bundle=launch.ca_bundle,
                proxy=launch.proxy,
                trust=launch.trust,
                retry=RetryPolicy(sleep=self._retry_wait),
            )
        return self._client

    async def _retry_wait(self, seconds: float) -> None:
        """The client's every wait between two attempts of a call: the login dialog, if it
        waits for an answer, counts it down (the server's slowdown after wrong passwords)."""
        if self._login_screen is not None:
            self._login_screen.retrying(seconds)
        await asyncio.sleep(seconds)

    @property
    def sync(self) -> FleetSync:
        """One per app: it remembers what is saved on disk (made once the profile is known)."""
        if self._sync is None:
            launch = self.launch
            cache = (
                snapshot.FleetCache.of(launch.profile, launch.account)
                if launch.cache_fleet
                else None
            )
            self._sync = FleetSync(self.client, self.fleet, cache)
        return self._sync

    @cached_property
    def operations(self) -> Operations:
        """Starting, resuming and journalling bulk operations (made on first use)."""
        from mobitui.tui.controllers.operations import Operations

        return Operations(self)

    @cached_property
    def files(self) -> Files:
        """CSV import and export, instruction sheets, the checklist (made on first use)."""
        from mobitui.tui.controllers.files import Files

        return Files(self)

    @cached_property
    def checklists(self) -> ChecklistStore:
        from mobitui.local.checklists import ChecklistStore

        return ChecklistStore()

    @property
    def read_only(self) -> bool:
        operator = self.account is not None and self.account.role is Role.OPERATOR
        return self.launch.read_only or operator

    def on_mount(self) -> None:
        preferences.watch(self, self.preferences, self.t)
        self._hold_first_paint()
        self._update_header()
        self.connect()
        if not self.is_headless and sys.__stdin__ is not None:
            watch_hangup(sys.__stdin__.fileno(), self._terminal_gone)

    def _terminal_gone(self) -> None:
        """From the watching thread: the terminal hung up (see ``mobitui.tui.hangup``)."""
        with contextlib.suppress(RuntimeError):  # the app already stopped
            self.call_from_thread(self.exit)

    def _hold_first_paint(self) -> None:
        """Show the main screen once devices are in (or something else must show), not before.

        Mounted at once, the empty main screen was laid out and drawn, then redrawn as the
        header, the key bar and the tree changed, all before the first page arrived: work
        (bench/README.md) that delayed the login's answer and the devices, a flash of an empty
        screen, and its bytes over SSH. If the server is slow, the main screen (its header
        saying "connecting") shows after ``FIRST_PAINT_HOLD`` seconds.
        """
        self._holding_paint = True
        self._begin_batch()  # Textual's blank default screen is not painted either
        self.set_timer(FIRST_PAINT_HOLD, self._release_first_paint)

    def _release_first_paint(self) -> None:
        if self._holding_paint:
            self._holding_paint = False
            self._end_batch()
            self.push_screen(self.main_screen)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Any other screen (login, an error, a dialog) goes on top of the main screen."""
        self._release_first_paint()
        return super().push_screen(*args, **kwargs)

    async def on_unmount(self) -> None:
        if self._sync is not None and self.loaded:
            await self._sync.save()  # what changed since the last save (nothing after logout)
        if self._client is not None:
            await self._client.aclose()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        if self.needs_profile and not await self._first_profile():
            self.exit()
            return
        # The token, the journals and the audit log live there: a read-only, misplaced or
        # unsafe state directory is named now (the error modal, r retries), never a crash later.
        paths.ensure_state_dir()
        try:
            if not await self._authenticate(None):
                self.exit()
                return
            self.post_message(ConnectionState("syncing"))
            await self.call(lambda: self.sync.start(self._sync_progress, self._first_page))
        except ApiError as exc:
            # Shown in the header too; the modal (the worker's error) adds "r: connect again".
            self.post_message(ConnectionState("disconnected", error_text(self.t, exc)))
            raise
        self.loaded = True
        self.post_message(FleetLoaded())
        self.post_message(ConnectionState("connected"))
        self._schedule_poll()
        self.call_later(self.offer_resume)

    async def _first_page(self) -> None:
        """The first page of a full sync is in the cache: show it while the rest arrives.

        Returns once it is on screen (or after a second, whatever happened meanwhile): the
        rest is asked for only then, so the server does not build the next page on the CPU
        the first frame is drawn with.
        """
        shown = asyncio.Event()
        self.post_message(FleetLoaded(shown))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shown.wait(), FIRST_PAGE_WAIT)

    def _sync_progress(self, done: int, total: int) -> None:
        self.post_message(ConnectionState("syncing", f"{done}/{total}"))

    # ------------------------------------------------------------------ auth

    async def _first_profile(self) -> bool:
        from mobitui.tui.screens.profile_form import ProfileForm

        profile = await self.push_screen_wait(ProfileForm(self.t))
        if profile is None:
            return False
        configured = profiles.load_profiles()
        configured.profiles[profile.name] = profile
        configured.default = configured.default or profile.name
        profiles.save_profiles(configured)
        # The language chosen in the form, at once (it was the flag's or the locale's).
        lang = choose_lang(profile.lang, self.launch.lang, {})
        self.launch = Launch.from_profile(profile, lang, self.launch.read_only)
        self.needs_profile = False
        if self.launch.lang != self.t.lang:
            await self._use_language(self.launch.lang)
        self._update_header()
        return True

    async def _use_language(self, lang: Lang) -> None:
        """Speak ``lang`` from now on: the catalogue, the App's keys, and the main screen
        rebuilt in it (the screens built afterwards take ``self.t``)."""
        self.t = Catalogue(lang)
        localise(self, self.t)
        old, self.main_screen = self.main_screen, MainScreen(self.fleet, self.t)
        if self.screen is old:  # else not pushed yet: the first paint pushes the new one
            await self.switch_screen(self.main_screen)

    async def _authenticate(self, message: str | None) -> bool:
        """Get a working token (:func:`mobitui.api.session.sign_in`): the cached one, the
        demo's password, or the login dialog (``message`` on it first, then why the last
        password failed, until one works). False when the admin gives up."""
        launch = self.launch
        demo = launch.demo_password if message is None else None

        async def password(failure: ApiError | None) -> str | None:
            if demo is not None:
                if failure is not None:
                    raise failure  # the demo's own password: nobody to ask another one
                return demo
            from mobitui.present.errors import wait_seconds
            from mobitui.tui.screens.login import LoginScreen

            # One dialog for every attempt: it stays up (saying it waits) while the server
            # answers, and says why a password failed, in the admin's language.
            dialog = self._login_screen
            if dialog is None:
                shown = message if failure is None else error_text(self.t, failure)
                dialog = LoginScreen(self.t, launch.base_url, launch.account, shown)
                self._login_screen = dialog
                await self.push_screen(dialog)
            elif failure is not None:
                dialog.failed(error_text(self.t, failure), wait_seconds(failure))
            return await dialog.password()

        reuse = message is None and launch.demo_password is None
        try:
            account = await session.sign_in(self.client, launch, password, reuse_token=reuse)
        finally:
            dialog, self._login_screen = self._login_screen, None
            if dialog is not None and not dialog.cancelled and self.screen is dialog:
                dialog.dismiss(None)
        if account is None:
            return False
        self.account = account
        self._update_header()
        return True

    async def call(self, factory: Callable[[], Awaitable[T]]) -> T:
        """Run one client call; on an expired token, log in again and retry it."""
        while True:
            token = self.client.token
            try:
                return await factory()
            except Unauthenticated:
                async with self._auth_lock:
                    if self.client.token != token:
                        continue  # another worker already logged in again
                    if self.launch.cache_token:
                        session.forget_token(self.launch)
                    if not await self._authenticate(self.t("login.expired")):
                        self.exit()
                        raise

    # ------------------------------------------------------------------ live refresh

    def _schedule_poll(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(self.launch.poll_seconds, self.poll_now)

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def poll_now(self) -> None:
        try:
            delta = await self.call(self.sync.poll)
        except Unreachable as exc:
            self.post_message(ConnectionState("disconnected", error_text(self.t, exc)))
        except ApiError as exc:
            # A 5xx or a malformed answer: shown in the header, once, not a modal per poll.
            self.post_message(ConnectionState("disconnected", error_text(self.t, exc)))
        else:
            if self.connection != "connected":
                self.post_message(ConnectionState("connected"))
            if delta.changed or delta.added or delta.removed:
                self.post_message(FleetChanged(delta))
            await self.sync.save_if_due()
        finally:
            self._schedule_poll()

    def action_refresh_now(self) -> None:
        """r: the change feed; or, when the first connection failed, the whole connection."""
        if self.loaded:
            self.poll_now()
        else:
            self.connect()

    @on(FleetLoaded)
    def _fleet_loaded(self, message: FleetLoaded) -> None:
        self.main_screen.fleet_loaded()
        self._release_first_paint()
        if message.shown is not None:
            self.call_after_refresh(message.shown.set)

    @on(FleetChanged)
    def _fleet_changed(self, message: FleetChanged) -> None:
        # The main screen first (it subscribed first), then the dialogs, the requests and the
        # checklist screens open over it: each subscribed when it was mounted.
        fleet_changed_signal(self).publish(message.delta)

    @on(ConnectionState)
    def _connection(self, message: ConnectionState) -> None:
        if (message.state, message.detail) == (self.connection, self.connection_detail):
            return
        self.connection, self.connection_detail = message.state, message.detail
        self._update_header()

    def _update_header(self) -> None:
        t = self.t
        header = Text.assemble(("mobitui", "bold"), " │ ", self.launch.profile)
        if self.account is not None:
            header.append(" │ ")
            header.append(self.account.name)
            header.append(f" ({t(f'role.{self.account.role.value}')})")
        glyph = {"connected": "●", "disconnected": "✕"}.get(self.connection, "…")
        header.append(f" │ {glyph} {t(f'conn.{self.connection}')}")
        if self.connection_detail:
            header.append(f" {self.connection_detail}")
        if self.read_only:
            header.append(" │ ")
            header.append(f" {t('read_only')} ", style="reverse bold")
        self.main_screen.set_header(header)

    # ------------------------------------------------------------------ errors

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        log.warning("worker %s failed: %s", event.worker.name, type(error).__name__)
        body = error_text(self.t, error) if error is not None else ""
        if event.worker.group == "connect":
            body += "\n" + self.t("error.retry_hint")
        self.show_message(self.t("error.title"), body)

    def show_message(self, title: str, body: str) -> None:
        from mobitui.tui.screens.message import MessageScreen

        self.push_screen(MessageScreen(self.t, title, body))

    def _handle_exception(self, error: Exception) -> None:
        """An exception no handler caught: a crash report, one line, a non-zero exit status.

        Textual 8.2 calls this for every unhandled error (message handlers, timers, callbacks,
        compose and mount, workers with ``exit_on_error``). Its own version renders a Rich
        traceback with ``show_locals=True`` to the terminal once the app has stopped and sets
        the return code to 1, which the CLI ignored: device records (users' names, phone
        numbers, serials) stood in the scrollback of a shared jump host and the exit status
        said success. Here the traceback, without locals, goes to a 0600 file in the state
        dir (:mod:`mobitui.local.crash_reports`), nothing is left for Textual to print, the app
        stops at once with ``EX_SOFTWARE`` (70) as :attr:`return_code`, and ``cli`` prints
        :attr:`crash_line` (the one line naming the file) and returns that code.
        """
        self._return_code = ExitCode.INTERNAL
        if self._exception is None:
            # What Textual keeps for test frameworks: ``run_test`` raises it at the end.
            self._exception = error
            self._exception_event.set()
        shown = self._crashes.add(error, self.t.lang)
        if shown is not None:
            # Printed by ``cli`` once the terminal is restored: Rich would wrap it at a space.
            self.crash_line = shown
        self._close_messages_no_wait()

    @property
    def return_code(self) -> int | None:
        """70 once anything crashed, whatever ``exit()`` was called with while stopping."""
        return ExitCode.INTERNAL if self._crashes.count else super().return_code

    # ------------------------------------------------------------------ screens

    @on(DeviceGrid.Opened)
    def _open_detail(self, event: DeviceGrid.Opened) -> None:
        """Enter on a device (the message bubbles up from the main screen's grid)."""
        from mobitui.domain.checklist import Assignment
        from mobitui.tui.screens.detail import DetailScreen

        device = self.fleet.devices.get(event.device_id)
        if device is None:
            return
        group = self.fleet.groups.get(device.group_id)
        name = group.name if group else device.group_id

        def closed(answer: str | None) -> None:
            if answer == "checklist":
                self.files.open_checklist([Assignment.of(device)])

        self.push_screen(DetailScreen(device, self.t, name), closed)

    def action_open_action_menu(self) -> None:
        """m: the 「端末管理」 menu of the checked devices."""
        from mobitui.tui.screens.action_menu import ActionMenu, menu_entries

        if not self.loaded:
            # The grid may show the first page of a sync: no action on a partial fleet.
            self.notify(self.t("notice.still_loading"), severity="warning")
            return
        operator = self.account is not None and self.account.role is Role.OPERATOR
        entries = menu_entries(
            self.t,
            checked=len(self.fleet.checked),
            read_only=self.launch.read_only,
            operator=operator,
            can_delete=self.can_delete,
        )
        menu = ActionMenu(self.t, entries, len(self.fleet.checked), retirement=True)
        self.push_screen(menu, self._action_chosen)

    @property
    def read_only_reason(self) -> str | None:
        """Why nothing destructive may leave this app, or None."""
        if self.account is not None and self.account.role is Role.OPERATOR:
            return self.t("menu.reason.operator")
        if self.launch.read_only:
            return self.t("menu.reason.read_only")
        return None

    @property
    def can_delete(self) -> bool:
        return self.account is not None and self.account.can_delete_devices

    def dialog_context(self) -> DialogContext:
        from mobitui.tui.screens.bulk.dialog import DialogContext

        ops = self.operations
        return DialogContext(
            t=self.t,
            now=self.client.server_now,
            lookup=self.fleet.devices.get,
            confirm_above=self.launch.confirm_above,
            can_delete=self.can_delete,
            start=ops.start,
            resume=ops.resume,
            abandon=ops.abandon,
            checklist=self.files.open_checklist,
            export_results=self.files.export_results,
        )

    def _action_chosen(self, kind: ActionKind | str | None) -> None:
        if kind == "retirement":
            self.action_open_retirement()
            return
        if not isinstance(kind, ActionKind) or self.read_only:
            return
        devices = self.fleet.checked_devices()
        if devices:
            self.push_screen(dialog_for(kind)(self.dialog_context(), devices))

    def action_open_requests(self) -> None:
        """i: every inactivation request."""
        from mobitui.tui.screens.requests import RequestsActions, RequestsScreen

        ops = self.operations
        view = RequestsActions(
            t=self.t,
            fleet=self.fleet,
            now=self.client.server_now,
            stall_after=self.launch.stall_after,
            poll_seconds=self.launch.poll_seconds,
            load=ops.load_requests,
            cancel=ops.cancel_request,
            force=self.force_devices,
            checklist=self.files.open_checklist,
            read_only=self.read_only_reason,
        )
        self.push_screen(RequestsScreen(view))

    def action_open_retirement(self) -> None:
        """R: 登録解除の進み具合 of the checked devices, else of the open group's."""
        from mobitui.domain import retirement as domain
        from mobitui.local.retirements import RetirementError, RetirementStore, new_id
        from mobitui.tui.screens.retirement import RetirementActions, RetirementScreen

        if not self.loaded:
            self.notify(self.t("notice.still_loading"), severity="warning")
            return
        group_name, devices = self.main_screen.retirement_scope()
        if not devices:
            self.notify(self.t("retirement.view.need_devices"), severity="warning")
            return
        launch = self.launch
        store = RetirementStore(launch.base_url, launch.account)
        ids = {d.id for d in devices}
        listing = store.list()
        record = next((r for r in listing.retirements if set(r.device_ids) == ids), None)
        if record is None:
            now = self.client.server_now()
            name = domain.default_name(group_name, now.astimezone().date())
            record = domain.start(new_id(), name, launch.base_url, launch.account, devices, now)
            try:  # stored from the start: every operation on its devices is folded into it
                store.save(record)
            except RetirementError as error:
                said = self.t("retirement.view.save_failed", detail=problem_text(self.t, error))
                self.notify(said, markup=False)

        def save(updated: domain.Retirement) -> str | None:
            try:
                store.save(updated)
            except RetirementError as error:
                return self.t("retirement.view.save_failed", detail=problem_text(self.t, error))
            return None

        def opener(kind: ActionKind) -> Callable[[RetirementScreen, list[Device]], None]:
            def open_dialog(screen: RetirementScreen, chosen: list[Device]) -> None:
                if self.read_only or not chosen:
                    return
                ctx = replace(self.dialog_context(), back_to="retirement.back")
                dialog = dialog_for(kind)(ctx, chosen)
                self.push_screen(dialog, lambda _: screen.operation_finished())

            return open_dialog

        view = RetirementActions(
            t=self.t,
            fleet=self.fleet,
            now=self.client.server_now,
            stall_after=launch.stall_after,
            poll_seconds=launch.poll_seconds,
            account=launch.account,
            load=self.operations.load_requests,
            save=save,
            inactivate=opener(ActionKind.INACTIVATE),
            force=opener(ActionKind.FORCE_INACTIVATE),
            delete=opener(ActionKind.DELETE),
            checklist=self.files.open_checklist,
            report=self.files.export_retirement_report,
            sheets=self.files.export_sheets,
            read_only=self.read_only_reason,
        )
        screen = RetirementScreen(view, record)
        listeners = self.operations.retirement_listeners
        listeners.append(screen.adopt)
        self.push_screen(screen, lambda _: listeners.remove(screen.adopt))

    def action_checklist_of_checked(self) -> None:
        """w: the on-device steps of the checked devices."""
        self.files.checklist_of_checked()

    def action_import_csv(self) -> None:
        """I: check the devices a spreadsheet lists."""
        self.files.import_csv()

    def action_export_csv(self) -> None:
        """X: the devices the grid shows, to a CSV file."""
        self.files.export_devices(self.main_screen.shown_devices())

    def inactivate_devices(self, devices: list[Device]) -> None:
        """A new inactivation of devices chosen elsewhere (the checklist's failure path)."""
        if not self.read_only and devices:
            self.push_screen(dialog_for(ActionKind.INACTIVATE)(self.dialog_context(), devices))

    def force_devices(self, devices: list[Device]) -> None:
        """Forced inactivation of devices chosen elsewhere (the requests screen's stalled ones)."""
        if not self.read_only and devices:
            self.push_screen(
                dialog_for(ActionKind.FORCE_INACTIVATE)(self.dialog_context(), devices)
            )

    def offer_resume(self) -> None:
        """Show each unfinished operation of this server and account, one after the other."""
        if self.read_only:
            return
        found, errors = self.operations.unfinished()
        for error in errors:
            body = self.t("resume.unreadable", detail=problem_text(self.t, error))
            self.show_message(self.t("resume.title"), body)
        pending = list(found)

        def next_one(_: object = None) -> None:
            if pending:
                loaded = pending.pop(0)
                if loaded.torn is not None:  # its batch is simply still open: said, not hidden
                    self.notify(problem_text(self.t, loaded.torn), severity="warning", markup=False)
                dialog = dialog_for(loaded.state.spec.kind)
                screen = dialog(self.dialog_context(), resume=(loaded.state, loaded.path))
                self.push_screen(screen, next_one)

        next_one()

    @work(exclusive=True, group="logout", exit_on_error=False)
    async def logout(self) -> None:
        """Revoke the token on the server, delete its cached file and the fleet's, quit."""
        # Unreachable: the token is still forgotten here, and expires on its own.
        with contextlib.suppress(ApiError):
            await self.client.logout()
        session.forget_token(self.launch)
        await self.sync.forget()  # and nothing is saved at exit
        with contextlib.suppress(OSError):  # even if this run kept none
            snapshot.forget(self.launch.profile, self.launch.account)
        self.exit()

    def action_logout(self) -> None:
        """The palette's "Log out": it quits too, so it asks the same question mid-run."""
        self.quit_asking(self.logout)

    def action_help(self) -> None:
        from mobitui.tui.screens.help import HelpScreen

        # Textual binds the palette's key itself, without an id: named here for the help.
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", id="app.palette")
        self.push_screen(HelpScreen(self.t, [*self.BINDINGS, palette]))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's system commands of the palette, in the admin's language."""
        return system_commands(self, screen, self.t)

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette, its placeholder and keys in the admin's language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(Palette(self.t))

    def search_themes(self) -> None:
        """The palette's 「テーマ」: Textual's theme picker, in the admin's language."""
        from textual.theme import ThemeProvider

        self.push_screen(Palette(self.t, [ThemeProvider], "palette.themes"))

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's "Do you want to quit? Press ctrl+q", in the admin's language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                title = self.t("quit.ctrl_c.title")
                self.notify(self.t("quit.ctrl_c", keys=key), title=title, markup=False)
                return

    async def action_quit_app(self) -> None:
        """q (on the main screen)."""
        self.quit_asking(self.exit)

    async def action_quit(self) -> None:
        """Textual's own quit: ``ctrl+q`` (a priority binding, so it works inside every dialog,
        where ``q`` does not reach the app), the palette's "Quit", any other caller of the
        ``quit`` action. Textual exits at once; here it asks the same question as ``q`` while a
        bulk run is in flight."""
        self.quit_asking(self.exit)

    def quit_asking(self, then: Callable[[], object]) -> None:
        """``then`` (quit, log out) now, or after a "yes" while a bulk run is in flight: what
        is done so far is journalled and resumable, but the admin must know the run stops.

        One question at a time: ``ctrl+q`` again while it is shown asks nothing more.
        """
        if not self.bulk_running:
            then()
            return
        if self._asking_quit:
            return
        from mobitui.tui.screens.message import MessageScreen

        def answered(yes: bool | None) -> None:
            self._asking_quit = False
            if yes:
                then()

        self._asking_quit = True
        self.push_screen(
            MessageScreen(self.t, self.t("quit.title"), self.t("quit.bulk_running"), ask=True),
            answered,
        )
