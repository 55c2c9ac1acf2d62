"""SVG snapshots of the checklist: an Apple MDM device (procedure C) and a Hybrid MDM device
(procedures D then C, two steps ticked), in Japanese and English, on a pinned server clock."""

from __future__ import annotations

import pytest

from mobitui.domain.models import DeviceState, Enrollment, Platform
from tests.tui.helpers import loaded, make_app, until
from tests.tui.test_checklist_screen import inactivate

SIZE = (120, 40)


def _first(app, enrollment: Enrollment) -> str:
    return sorted(
        i
        for i, d in app.fleet.devices.items()
        if d.state is not DeviceState.ACTIVE
        and d.inactivation is not None
        and d.enrollment is enrollment
        and d.platform is Platform.IOS
    )[0]


@pytest.fixture(scope="module")
def requested(pinned_server):
    """One inactivation request (「有効にする」 off) for the first active iPhone of each kind."""
    import httpx

    from tests.tui.helpers import admin_token

    token = admin_token(pinned_server)
    devices = httpx.get(
        f"{pinned_server.api_url}/devices",
        params={"state": "active", "limit": 1000},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    chosen = [
        next(
            d["id"]
            for d in sorted(devices, key=lambda d: d["id"])
            if d["enrollment"] == kind
            and d["platform"] == "ios"
            and not d["safari_restricted"]
            and not d["dep"]
        )
        for kind in ("apple_mdm", "hybrid_mdm")
    ]
    inactivate(pinned_server, chosen)
    return pinned_server


def _opening(enrollment: Enrollment, ticks: int):
    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        device_id = _first(app, enrollment)
        app.fleet.check([device_id])
        app.main_screen.refresh_view()
        await pilot.press("w")
        await until(pilot, lambda: bool(app.screen.query("StepItem")))
        await pilot.press(*["space"] * ticks)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("enrollment", "ticks"),
    [(Enrollment.APPLE_MDM, 0), (Enrollment.HYBRID_MDM, 2)],
    ids=["apple-mdm", "hybrid-mdm"],
)
def test_checklist(snap_compare, requested, lang: str, enrollment: Enrollment, ticks: int) -> None:
    app = make_app(requested, lang=lang)
    # The countdown's clock, pinned: the download is reported at 09:00:00 and shown at once.
    from datetime import UTC, datetime

    app.local_now = lambda: datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening(enrollment, ticks))
