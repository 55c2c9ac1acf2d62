"""Keep the fleet cache in step with the server: a warm or full start, then the change feed.

No Textual here: the app runs these coroutines in workers and turns their results into UI.

A full sync must not miss a change made while it pages through 100,000 devices, so it first
asks the change feed for the current sequence number (``since`` far in the future returns no
devices, only ``seq``), then pages, then applies every change since that number. A change
that happened during paging is seen twice at worst, which applying is idempotent about.

A warm start (:meth:`FleetSync.start`) begins instead from the snapshot the last run saved on
disk (:mod:`mobitui.fleet.snapshot`) and asks the change feed only for what changed since its
``seq``: the same result as a full sync, for a fraction of the traffic. It falls back to a
full sync whenever the snapshot may not describe this server's fleet for this account: no
snapshot or an unusable one, another database (the server's ``instance_id`` differs, or it
offers none), another account or group scope, a change feed that went back in time (a server
restored from a backup), or a change feed that refuses so old a ``seq``.

The snapshot is saved after a full sync and after changes, at most once per ``save_every``
seconds (and at exit, :meth:`FleetSync.save`): encoding and writing happen in a thread on a
private copy of the device list, so the fleet is never read while a poll changes it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from mobitui.api.errors import ApiError, Unauthenticated, Unreachable
from mobitui.domain.models import Account, Changes, Device, DevicePage, Group
from mobitui.fleet.cache import Delta, Fleet
from mobitui.fleet.snapshot import FleetCache, Identity, Snapshot

log = logging.getLogger(__name__)

#: Larger than any sequence number the server will reach: "tell me only where you are".
_FUTURE = 2**62
#: At most one save of the snapshot per this many seconds while changes keep coming.
SAVE_EVERY = 30.0
#: Devices in the first page of a full sync that shows its first page at once.
FIRST_PAGE = 200
#: Group names and the tree are fetched again at most this often while devices change.
GROUPS_EVERY = 60.0


class Limits(Protocol):
    @property
    def instance_id(self) -> str | None: ...


class FleetSource(Protocol):
    """What a sync needs of the API client (:class:`mobitui.api.client.MobiClient`): the fleet
    package knows the client's answers (domain models), never its HTTP."""

    @property
    def account(self) -> Account | None: ...

    async def limits(self) -> Limits: ...

    async def groups(self) -> list[Group]: ...

    async def changes(self, since: int) -> Changes: ...

    def device_pages(self, *, first: int | None = None) -> AsyncIterator[DevicePage]: ...


class FleetSync:
    """Fill ``fleet`` from ``client`` (or from ``cache`` and the change feed) and keep it fresh."""

    def __init__(
        self,
        client: FleetSource,
        fleet: Fleet,
        cache: FleetCache | None = None,
        *,
        save_every: float = SAVE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.fleet = fleet
        self.cache = cache
        self.save_every = save_every
        self._clock = clock
        #: Whose fleet this is; None until known, or when the server offers no identity.
        self._identity: Identity | None = None
        #: The fleet holds changes the file does not.
        self._dirty = False
        self._saved_at: float | None = None
        #: When the groups were last fetched (their names may change on the server).
        self._groups_at: float | None = None
        #: Saves and deletion take turns: a logout never races a write that recreates the file.
        self._file_lock = asyncio.Lock()
        #: Logged out: nothing is saved any more.
        self._forgotten = False

    # ------------------------------------------------------------------ starting

    async def start(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_first_page: Callable[[], Awaitable[None]] | None = None,
    ) -> bool:
        """Warm start from the cache when it is this fleet's, else a full sync.

        Returns True when the fleet came from the cache (and the change feed).
        """
        await self._learn_identity()
        if self.cache is not None and self._identity is not None and await self._warm():
            return True
        await self.full(on_progress, on_first_page)
        return False

    async def _learn_identity(self) -> None:
        limits = await self.client.limits()  # known limits: a page larger than them is malformed
        account = self.client.account
        if limits.instance_id is None or account is None:
            self._identity = None
        else:
            self._identity = Identity.of(limits.instance_id, account.id, account.group_scope)

    async def _warm(self) -> bool:
        assert self.cache is not None
        snapshot = await asyncio.to_thread(self.cache.load)
        if snapshot is None:
            return False
        if snapshot.identity != self._identity:
            log.info("fleet cache %s: another server or account; full sync", self.cache.path)
            await self._delete_file()
            return False
        try:
            changes = await self.client.changes(snapshot.seq)
        except (Unreachable, Unauthenticated):
            raise  # the app shows it, or logs in again and starts over
        except ApiError as exc:
            # A real service may forget tombstones older than some age, and refuse the seq.
            log.info("change feed since %d refused (%s); full sync", snapshot.seq, exc)
            return False
        if changes.seq < snapshot.seq:
            log.warning(
                "change feed at %d, behind the cached %d: the server's history went back; "
                "full sync",
                changes.seq,
                snapshot.seq,
            )
            await self._delete_file()
            return False
        groups = await self.client.groups()
        self._groups_at = self._clock()
        # Only now, with every answer in hand, does the fleet change: all or nothing.
        self.fleet.set_groups(groups)
        self.fleet.load(snapshot.devices, snapshot.seq)
        delta = self.fleet.apply(changes)
        self._saved_at = self._clock()
        self._dirty = _changed(delta)
        return True

    async def full(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_first_page: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Load groups and every device the account can see.

        With ``on_first_page``, the fleet holds the first page as soon as it arrives (and the
        callback says so, returning once it is shown) while the rest is fetched: at 100,000
        devices the grid shows devices after one page instead of a hundred. The complete fleet
        then replaces it.
        """
        if self._identity is None:
            await self._learn_identity()
        start = (await self.client.changes(_FUTURE)).seq
        groups = await self.client.groups()
        self._groups_at = self._clock()
        devices: list[Device] = []
        # A first page of a screenful or two shows sooner than a full one (and costs nothing
        # without ``on_first_page``: then every page is as large as the server allows).
        first = FIRST_PAGE if on_first_page is not None else None
        async for page in self.client.device_pages(first=first):
            devices.extend(page.items)
            first = len(devices) == len(page.items)
            if on_first_page is not None and first and page.next_cursor is not None:
                # More to come: show this much meanwhile.
                self.fleet.set_groups(groups)
                self.fleet.load(page.items, start, complete=False)
                await on_first_page()  # shown: only then is the rest asked for
            if on_progress is not None:
                on_progress(len(devices), page.total)
        self.fleet.set_groups(groups)
        self.fleet.load(devices, start)
        log.info("full sync: %d devices, %d groups (seq %d)", len(devices), len(groups), start)
        self._dirty = True
        self._saved_at = None  # a full sync is saved at the next chance, whatever the time
        await self.poll()

    # ------------------------------------------------------------------ live

    async def poll(self) -> Delta:
        """Apply what changed since the last sync; cheap when nothing did."""
        changes = await self.client.changes(self.fleet.seq)
        if changes.seq < self.fleet.seq:
            await self._went_back(changes)
        delta = self.fleet.apply(changes)
        if _changed(delta):
            self._dirty = True
            if self._groups_stale(changes):
                self.fleet.set_groups(await self.client.groups())
                self._groups_at = self._clock()
        return delta

    def _groups_stale(self, changes: Changes) -> bool:
        """Whether the groups must be fetched again after ``changes``.

        Device counts per group come from the cache itself (``Fleet.per_group``), so a state
        change needs no refetch: at 100,000 devices the server counts every device for it.
        A device in a group the cache does not know means the tree changed; otherwise names
        are refreshed at most every ``GROUPS_EVERY`` seconds.
        """
        groups = self.fleet.groups
        if any(d.group_id not in groups for d in changes.changes):
            return True
        return self._groups_at is None or self._clock() - self._groups_at >= GROUPS_EVERY

    async def _went_back(self, changes: Changes) -> None:
        """The server's change feed is behind us (restored from a backup?): what we hold may
        not be its fleet any more. The snapshot is deleted and not saved again in this run, so
        the next launch syncs in full. (The live view is left as it is; ``Fleet.apply`` keeps
        the higher seq.)
        """
        log.warning(
            "change feed at %d, behind ours at %d: the fleet cache is deleted",
            changes.seq,
            self.fleet.seq,
        )
        self._identity = None
        await self._delete_file()

    # ------------------------------------------------------------------ the file

    @property
    def dirty(self) -> bool:
        """The fleet holds changes the saved snapshot does not."""
        return self._dirty

    async def save_if_due(self) -> bool:
        """Save the snapshot if it changed and the last save is ``save_every`` seconds old."""
        due = self._saved_at is None or self._clock() - self._saved_at >= self.save_every
        return due and await self.save()

    async def save(self) -> bool:
        """Save the snapshot now if the fleet changed since the last save; True if it did.

        A failure (disk full, a read-only home) is logged and retried at the next chance:
        the cache only saves time, it never stops the app.
        """
        async with self._file_lock:
            if self.cache is None or self._forgotten or self._identity is None:
                return False
            if not self._dirty:
                return False
            fleet = self.fleet
            # Devices are immutable: a copy of the list is a snapshot the thread may read
            # while polls go on changing the fleet here.
            # In the order the grid first shows, so the next launch sorts an ordered list.
            snapshot = Snapshot(
                self._identity, fleet.seq, list(fleet.groups.values()), fleet.devices_in_order()
            )
            self._dirty = False
            self._saved_at = self._clock()
            writing = asyncio.ensure_future(asyncio.to_thread(self.cache.save, snapshot))
            try:
                await asyncio.shield(writing)
            except asyncio.CancelledError:
                # The thread writes on regardless: keep the lock until it is done, so nothing
                # (a logout's delete, the save at exit) overlaps it.
                await asyncio.wait([writing])
                if not writing.cancelled() and writing.exception() is not None:
                    log.warning("fleet cache %s: cannot write", self.cache.path)
                raise
            except OSError as exc:
                self._dirty = True
                log.warning("fleet cache %s: cannot write: %s", self.cache.path, exc)
                return False
            return True

    async def forget(self) -> None:
        """Delete the snapshot and save no more in this run (logout)."""
        self._forgotten = True
        await self._delete_file()

    async def _delete_file(self) -> None:
        """Delete the snapshot file (after any save under way has finished)."""
        async with self._file_lock:
            if self.cache is None:
                return
            try:
                self.cache.forget()
            except OSError as exc:
                log.warning("fleet cache %s: cannot delete: %s", self.cache.path, exc)


def _changed(delta: Delta) -> bool:
    return bool(delta.changed or delta.added or delta.removed)
