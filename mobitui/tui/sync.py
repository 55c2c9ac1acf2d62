"""Keep the fleet cache in step with the server: one full sync, then the change feed.

No Textual here: the app runs these coroutines in workers and turns their results into UI.

A full sync must not miss a change made while it pages through 100,000 devices, so it first
asks the change feed for the current sequence number (``since`` far in the future returns no
devices, only ``seq``), then pages, then applies every change since that number. A change
that happened during paging is seen twice at worst, which applying is idempotent about.
"""

from __future__ import annotations

from collections.abc import Callable

from mobitui.api.client import MobiClient
from mobitui.domain.fleet import Delta, Fleet
from mobitui.domain.models import Device

#: Larger than any sequence number the server will reach: "tell me only where you are".
_FUTURE = 2**62


class FleetSync:
    """Fill ``fleet`` from ``client`` and keep it fresh."""

    def __init__(self, client: MobiClient, fleet: Fleet) -> None:
        self.client = client
        self.fleet = fleet

    async def full(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Load groups and every device the account can see."""
        await self.client.limits()  # known limits: a page larger than them is malformed
        start = (await self.client.changes(_FUTURE)).seq
        groups = await self.client.groups()
        devices: list[Device] = []
        async for page in self.client.device_pages():
            devices.extend(page.items)
            if on_progress is not None:
                on_progress(len(devices), page.total)
        self.fleet.set_groups(groups)
        self.fleet.load(devices, start)
        await self.poll()

    async def poll(self) -> Delta:
        """Apply what changed since the last sync; cheap when nothing did."""
        changes = await self.client.changes(self.fleet.seq)
        delta = self.fleet.apply(changes)
        if delta.changed or delta.added or delta.removed:
            # Device counts per group may have moved; groups are few, so refetch them.
            self.fleet.set_groups(await self.client.groups())
        return delta
