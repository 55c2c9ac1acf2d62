"""An SVG snapshot of the 一括インアクティベーション dialog at 80×24 in Japanese, on a selection
that shows the Android Device Owner warning (Android 11+ is factory-reset) and the Hybrid MDM
Safari warning, on a pinned server clock (as ``test_dialog_snapshots``).

Beyond the picture, the SVG's text is read back, row by row: in each warning no line starts with
closing punctuation (kinsoku) and no term is cut between two lines. Update with
``pytest --snapshot-update`` after a deliberate change, and look at the SVG first.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

from rich.cells import cell_len

from mobitui.present.wrap import NO_START
from tests.tui.conftest import PINNED
from tests.tui.helpers import loaded, make_app, open_dialog
from tests.tui.test_japanese_wrap import TERMS, _owner, _safari

SIZE = (80, 24)
SNAPSHOT = (
    Path(__file__).parent
    / "__snapshots__"
    / "test_dialog_80x24"
    / "test_inactivation_dialog_at_80x24_ja.svg"
)
#: The screen's frame and the dialog's scroll bar: not text.
FRAME = "█▁▂▃▄▅▆▇ "


async def _opening(pilot) -> None:
    app = pilot.app
    await loaded(pilot)
    devices = app.fleet.devices.values()
    owner = sorted(d.id for d in devices if _owner(d))[:1]
    safari = sorted(d.id for d in devices if _safari(d))[:1]
    assert owner and safari, "the fleet has no such devices"
    screen = await open_dialog(pilot, owner + safari, 0)
    await pilot.pause()
    # The Device Owner warning is acknowledged under 「同意する」, below the fold at 24 rows:
    # scrolled just into view, with the Safari warning still above it.
    dialog = screen.query_one("#dialog")
    dialog.scroll_to_widget(screen.query(".ack").last(), animate=False)
    await pilot.pause()


def svg_rows(svg: str) -> list[str]:
    """The terminal's rows as the SVG draws them: each ``<text>`` on its line's clip path, at
    the column of its ``x`` (a cell is ``textLength`` over the cells of its text)."""
    texts: dict[int, list[tuple[float, str]]] = {}
    cell = 0.0
    for attrs, body in re.findall(r"<text ([^>]*)>(.*?)</text>", svg, re.S):
        line = re.search(r"clip-path=\"url\(#[\w-]*?-line-(\d+)\)\"", attrs)
        x = re.search(r"\bx=\"([\d.]+)\"", attrs)
        length = re.search(r"textLength=\"([\d.]+)\"", attrs)
        if line and x and length:
            text = html.unescape(body).replace("\u00a0", " ")
            cell = cell or float(length.group(1)) / max(cell_len(text), 1)
            texts.setdefault(int(line.group(1)), []).append((float(x.group(1)), text))
    rows = []
    for row in sorted(texts):
        out = ""
        for x, text in sorted(texts[row]):
            out += " " * max(round(x / cell) - cell_len(out), 0) + text
        rows.append(out.rstrip("\n"))
    return rows


def _inside(row: str) -> str:
    """A row's text inside the dialog: its frame, padding and scroll bar cut."""
    return row.strip(FRAME)


def _paragraphs(rows: list[str]) -> list[list[str]]:
    """The warnings' paragraphs: runs of rows from one that starts with ⚠ to a blank row or the
    next ⚠ (a checkbox, ``▐ ▌``, or a row without Japanese ends a run too)."""
    out: list[list[str]] = []
    current: list[str] | None = None
    for row in rows:
        text = _inside(row)
        if text.startswith("⚠"):
            current = [text]
            out.append(current)
        elif (
            current is not None
            and text[:1] != "▐"
            and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)
        ):
            current.append(text)
        else:
            current = None
    return out


def test_inactivation_dialog_at_80x24_ja(make_server, snap_compare) -> None:
    server = make_server(fleet=300, seed=3, speed=0.0, start_at=PINNED, rate_limit=None)
    app = make_app(server, lang="ja")
    assert snap_compare(app, terminal_size=SIZE, run_before=_opening)

    rows = svg_rows(SNAPSHOT.read_text("utf-8"))
    assert len(rows) == SIZE[1]
    warnings = _paragraphs(rows)
    said = "\n".join("".join(lines) for lines in warnings)
    assert "Device Owner" in said and "Hybrid MDM" in said and "Safari" in said, rows
    assert any(len(lines) > 1 for lines in warnings), warnings  # they do wrap at 80 columns
    for lines in warnings:
        for line in lines[1:]:
            assert line[:1] not in NO_START, lines
        for before, after in itertools.pairwise(lines):
            seam = before + " " + after
            cut = len(before)
            for term in TERMS:
                for m in re.finditer(re.escape(term), seam):
                    assert not m.start() < cut < m.end(), (term, lines)
                first, _, second = term.partition(" ")
                assert not (before.endswith(first) and after.startswith(second)), (term, lines)
