"""SVG snapshots of the main screen, in Japanese and English, at 80×24 and 160×50.

The server's clock is pinned (``start_at``) and frozen (``speed=0``) and the time zone is UTC,
so every time on screen is reproducible. Update with ``pytest --snapshot-update`` after a
deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import loaded, make_app


async def _ready(pilot) -> None:
    await loaded(pilot)
    await pilot.press("down", "down", "space", "down", "space")
    await pilot.pause()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_main_screen(snap_compare, pinned_server, lang: str, size: tuple[int, int]) -> None:
    app = make_app(pinned_server, lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=_ready)
