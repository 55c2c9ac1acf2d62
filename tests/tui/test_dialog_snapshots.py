"""SVG snapshots of the three bulk dialogs, in Japanese and English, on a pinned server clock.

Each opens on a selection that shows what the dialog is for: bulk inactivation with a DEP
device that forbids profile removal (the acknowledgement gate) among plain ones, forced
inactivation with a device that still communicates, deletion of a mixed selection. Update with
``pytest --snapshot-update`` after a deliberate change, and look at the SVGs first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mobitui.domain.models import Device, DeviceState, Platform
from tests.tui.helpers import loaded, make_app, open_dialog, plain_active

SIZE = (100, 40)


def _ids(app, count: int, test: Callable[[Device], bool]) -> list[str]:
    return sorted(d.id for d in app.fleet.devices.values() if test(d))[:count]


def _dep(d: Device) -> bool:
    return (
        d.state is DeviceState.ACTIVE
        and d.platform is Platform.IOS
        and d.dep
        and d.dep_profile_removal_forbidden
    )


async def _inactivation(pilot) -> None:
    app = pilot.app
    await loaded(pilot)
    await open_dialog(pilot, _ids(app, 1, _dep) + _ids(app, 3, plain_active), 0)


async def _forced(pilot) -> None:
    app = pilot.app
    await loaded(pilot)
    now = app.client.server_now()

    def recent(d: Device) -> bool:
        return (
            d.state is DeviceState.ACTIVE
            and d.last_seen_at is not None
            and (now - d.last_seen_at < timedelta(hours=1))
        )

    def silent(d: Device) -> bool:
        return (
            d.state is not DeviceState.INACTIVE
            and d.last_seen_at is not None
            and (now - d.last_seen_at > timedelta(days=7))
        )

    await open_dialog(pilot, _ids(app, 1, recent) + _ids(app, 2, silent), 1)


async def _deletion(pilot) -> None:
    app = pilot.app
    await loaded(pilot)
    inactive = _ids(app, 3, lambda d: d.state is DeviceState.INACTIVE)
    await open_dialog(pilot, inactive + _ids(app, 2, plain_active), 2)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "opening", [_inactivation, _forced, _deletion], ids=["inactivation", "forced", "deletion"]
)
def test_dialog(snap_compare, pinned_server, lang: str, opening) -> None:
    app = make_app(pinned_server, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=opening)
