"""The device grid's columns: what each shows, how wide, and which to drop on a narrow terminal.

Kept apart from the widget so the layout rule (a column fits or is dropped, by priority; the
name column takes what is left) is plain code that tests can call without a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from mobitui.domain.models import Device, DeviceState, Platform
from mobitui.fleet.cache import SortKey
from mobitui.i18n import Catalogue

#: The OS as a short name: the console shows an icon, greyed when the device is inactive.
OS_GLYPH = {
    Platform.IOS: "iOS",
    Platform.IPADOS: "iPad",
    Platform.ANDROID: "And",
    Platform.WINDOWS: "Win",
    Platform.MACOS: "mac",
}

#: State as a glyph too, so it stays distinguishable without colour (NO_COLOR, TERM=linux).
STATE_GLYPH = {
    DeviceState.ACTIVE: "●",
    DeviceState.INACTIVATION_PENDING: "◐",
    DeviceState.INACTIVE: "○",
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title_key: str  # catalogue key of the header
    width: int  # fixed width in cells; 0 = flexible (takes what is left)
    priority: int  # lower stays longer when the terminal is narrow
    sort: SortKey | None
    cell: Callable[[Device, Catalogue], str]


def _last_seen(device: Device, _t: Catalogue) -> str:
    seen = device.last_seen_at
    if seen is None:
        return "-"
    return seen.astimezone().strftime("%m-%d %H:%M")


def _os(device: Device, _t: Catalogue) -> str:
    return f"{OS_GLYPH[device.platform]} {device.os_version}"


def _state(device: Device, t: Catalogue) -> str:
    return f"{STATE_GLYPH[device.state]} {t.state(device.state)}"


COLUMNS: tuple[Column, ...] = (
    Column("check", "col.check", 2, 0, None, lambda d, t: ""),
    Column("name", "col.name", 0, 0, SortKey.NAME, lambda d, t: d.name),
    Column("os", "col.os", 10, 1, SortKey.PLATFORM, _os),
    Column("state", "col.state", 14, 1, SortKey.STATE, _state),
    Column(
        "enrollment",
        "col.enrollment",
        13,
        4,
        SortKey.ENROLLMENT,
        lambda d, t: t.enrollment(d.enrollment),
    ),
    Column("user", "col.user", 14, 3, SortKey.USER, lambda d, t: d.user_name),
    # The serial is what an admin reads out to a user and types into the console: it stays
    # right after the name, OS and state (80 columns show these four).
    Column("serial", "col.serial", 13, 2, SortKey.SERIAL, lambda d, t: d.serial),
    Column("last_seen", "col.last_seen", 11, 5, SortKey.LAST_SEEN, _last_seen),
    Column("jobs", "col.jobs", 4, 6, SortKey.JOBS, lambda d, t: str(d.pending_jobs)),
)

#: The name column never gets narrower than this while other columns are shown.
MIN_NAME = 12
GAP = 1


#: Columns the admin may hide with the column chooser (``c``): all but the check and the name.
CHOOSABLE: tuple[Column, ...] = tuple(c for c in COLUMNS if c.priority > 0)


@lru_cache(maxsize=64)
def layout(width: int, hidden: frozenset[str] = frozenset()) -> tuple[tuple[Column, int], ...]:
    """Columns that fit in ``width`` cells, with their widths, in display order.

    ``hidden``: keys of the columns the admin chose not to see. The others are dropped by
    priority (the highest number first) until the name column has ``MIN_NAME`` cells.
    """
    shown = [c for c in COLUMNS if c.priority == 0 or c.key not in hidden]
    while True:
        fixed = sum(c.width for c in shown if c.width) + GAP * (len(shown) - 1)
        name_width = width - fixed
        droppable = [c for c in shown if c.priority > 0]
        if name_width >= MIN_NAME or not droppable:
            break
        shown.remove(max(droppable, key=lambda c: c.priority))
    name_width = max(1, width - sum(c.width for c in shown if c.width) - GAP * (len(shown) - 1))
    return tuple((c, c.width or name_width) for c in shown)


def format_time(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
