"""Japanese line breaking on screen (issue 16): a bulk inactivation dialog at 80×24 with the
Android Device Owner warning and the Hybrid MDM Safari warning; no line of a warning starts
with closing punctuation, and no term is cut between two lines."""

from __future__ import annotations

import itertools

from textual.widgets import Static

from mobitui.domain.models import Device, DeviceState, Enrollment, Platform
from mobitui.domain.rules import is_android_factory_reset
from mobitui.present.wrap import NO_START
from tests.tui.helpers import loaded, make_app, open_dialog

TERMS = ("Device Owner", "Hybrid MDM", "Apple MDM", "Android 11")


def _owner(d: Device) -> bool:
    return d.state is DeviceState.ACTIVE and is_android_factory_reset(d)


def _safari(d: Device) -> bool:
    return (
        d.state is DeviceState.ACTIVE
        and d.platform is not Platform.ANDROID
        and d.enrollment is Enrollment.HYBRID_MDM
        and d.safari_restricted
    )


def _lines(widget: Static) -> list[str]:
    return [strip.text.rstrip() for strip in widget.render_lines(widget.size.region)]


async def test_warnings_at_80x24_break_by_japanese_rules(make_server) -> None:
    server = make_server(fleet=300, seed=3)
    app = make_app(server, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        devices = app.fleet.devices.values()
        owner = sorted(d.id for d in devices if _owner(d))[:1]
        safari = sorted(d.id for d in devices if _safari(d))[:1]
        assert owner and safari, "the fleet has no such devices"
        screen = await open_dialog(pilot, owner + safari, 0)
        await pilot.pause()
        shown = {}
        for widget in screen.query(".warning").results(Static):
            lines = [line for line in _lines(widget) if line.strip()]
            shown["\n".join(lines)] = lines
        said = "\n".join(shown)
        assert "Device Owner" in said.replace("\n", "").replace("  ", " ")
        assert "Hybrid MDM" in said.replace("\n", "")
        for lines in shown.values():
            assert len(lines) > 1, lines  # they do wrap at this width
            for line in lines[1:]:
                assert line.strip()[:1] not in NO_START, lines
            for before, after in itertools.pairwise(lines):
                seam = before.rstrip() + " " + after.strip()
                cut = len(before.rstrip())
                for term in TERMS:
                    at = seam.find(term)
                    while at != -1:
                        assert not at < cut < at + len(term), (term, lines)
                        at = seam.find(term, at + 1)
