"""Plain-text sheet files hard-wrapped to 72 cells by the Japanese rules; Markdown, and the plain
text the checklist copies into a chat, left unwrapped.

Every sheet the rules can give (each platform, enrollment, OS version, option and restriction,
in ja and en) and device names that put a term across the 72nd cell: no line wider than 72
cells, none starting with closing punctuation, no term cut in two, the words unchanged apart
from the line breaks, every continuation line hung under its step's number or note's mark.

After a deliberate change of the layout: ``UPDATE_GOLDEN=1 pytest tests/unit/test_sheets_wrap.py``
and read the diff of ``tests/unit/golden/sheets/*.72.txt``.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from mobitui.domain.models import Device, Enrollment, Platform
from mobitui.domain.rules import OnDeviceWork, on_device_work
from mobitui.present.sheets import TXT_WIDTH, Lang, SheetJob, export_sheets, sheet, sheet_name
from mobitui.present.wrap import NO_START
from tests.unit.test_rules import device
from tests.unit.test_sheets import CASES

GOLDEN = Path(__file__).parent / "golden" / "sheets"
TERMS = (
    "Apple MDM",
    "Hybrid MDM",
    "Device Owner",
    "IVI MDM",
    "Profile Service",
    "Inventit MobiConnect for Business",
)
LANGS: tuple[Lang, ...] = ("ja", "en")


def _devices() -> list[tuple[str, Device, OnDeviceWork | None, bool | None]]:
    """(id, device, work, option) of every kind of sheet."""
    out: list[tuple[str, Device, OnDeviceWork | None, bool | None]] = []
    apple = (Platform.IOS, Platform.IPADOS)
    for platform, enrollment, version, dep, forbidden, safari, option in itertools.product(
        (*apple, Platform.ANDROID, Platform.MACOS),
        tuple(Enrollment),
        ("8.4", "12.1", "12.2", "13.1", "14.8", "15.0", "17.4"),
        (False, True),
        (False, True),
        (False, True),
        (False, True),
    ):
        if forbidden and not dep:
            continue
        d = device(
            platform=platform,
            enrollment=enrollment,
            os_version=version if platform in apple else "14",
            dep=dep,
            dep_profile_removal_forbidden=forbidden,
            safari_restricted=safari,
        )
        key = f"{platform}-{enrollment}-{version}-{dep}{forbidden}{safari}{option}"
        out.append((key, d, on_device_work(d, option), option))
    for work in (None, OnDeviceWork.NOTHING_REACHES, OnDeviceWork.NONE):
        out.append((f"work-{work}", device(), work, None))
    # Names that put each term across the 72nd cell of the title and of the facts.
    for term, pad, wide in itertools.product(TERMS, range(40, 71), (False, True)):
        name = ("あ" * (pad // 2) if wide else "x" * pad) + f" {term}の端末"
        d = device(name=name, user_name=f"{term} ユーザー", enrollment=Enrollment.HYBRID_MDM)
        out.append((f"name-{term}-{pad}-{wide}", d, on_device_work(d, False), False))
    return out


DEVICES = _devices()


def _pair(i: int, lang: Lang) -> tuple[str, str]:
    _, d, work, option = DEVICES[i]
    kw = {"remove_apple_mdm_profile": option, "request_id": "inact-000042"}
    return sheet(d, work, lang, "txt", **kw), sheet(d, work, lang, "txt", width=TXT_WIDTH, **kw)


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Lang, str, str]]:
    return [(lang, *_pair(i, lang)) for i in range(len(DEVICES)) for lang in LANGS]


def test_the_sweep_covers_the_terms_and_really_wraps(pairs) -> None:
    wrapped = "\n".join(w for _, _, w in pairs)
    for term in TERMS:
        assert term in wrapped
    assert sum(w.count("\n") > u.count("\n") for _, u, w in pairs) > len(pairs) // 3


def test_no_line_is_wider_than_72_cells(pairs) -> None:
    for _, unwrapped, wrapped in pairs:
        assert max(cell_len(line) for line in unwrapped.splitlines()) > 0
        for line in wrapped.splitlines():
            assert cell_len(line) <= TXT_WIDTH, line


def test_no_line_starts_with_closing_punctuation(pairs) -> None:
    for _, _, wrapped in pairs:
        for line in wrapped.splitlines():
            assert line.lstrip()[:1] not in NO_START, (line, wrapped)
    assert {"。", "、", "）", "」", "．", "，"} <= NO_START


def test_no_term_is_split_across_lines(pairs) -> None:
    for _, unwrapped, wrapped in pairs:
        for term in TERMS:
            assert wrapped.count(term) == unwrapped.count(term), (term, wrapped)


def test_the_words_are_unchanged_apart_from_line_breaks(pairs) -> None:
    for lang, unwrapped, wrapped in pairs:
        assert "".join(wrapped.split()) == "".join(unwrapped.split())
        if lang == "en":  # English breaks only at its spaces
            assert wrapped.split() == unwrapped.split()
        # a paragraph is its lines joined (continuations lose only their hang)
        assert wrapped.endswith("\n") and not wrapped.endswith("\n\n")


def test_continuation_lines_hang_under_the_marker(pairs) -> None:
    marker = re.compile(r" *(?:[※⚠] |\d{1,3}\. )")
    for _, unwrapped, wrapped in pairs:
        paragraphs = iter(unwrapped.splitlines())
        lines = wrapped.splitlines()
        k = 0
        for paragraph in paragraphs:
            first = lines[k]
            assert paragraph.startswith(first), (paragraph, first)
            k += 1
            m = marker.match(paragraph)
            hang = len(m.group()) if m else 0
            rest = paragraph[len(first) :]
            while rest.strip():
                line = lines[k]
                assert line[:hang] == " " * hang and line[hang : hang + 1] != " ", line
                rest = rest.lstrip(" ")
                assert rest.startswith(line[hang:]), (rest, line)
                rest = rest[len(line) - hang :]
                k += 1
        assert k == len(lines)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_wrapped_sheet_matches_its_golden_file(case: str, lang: Lang) -> None:
    d, remove = CASES[case]
    text = sheet(
        d,
        on_device_work(d, remove),
        lang,
        "txt",
        remove_apple_mdm_profile=remove,
        request_id="inact-000042",
        width=TXT_WIDTH,
    )
    path = GOLDEN / f"{case}.{lang}.72.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


def test_files_wrap_plain_text_only_and_a_copy_stays_unwrapped(tmp_path: Path) -> None:
    """The file is read in an editor or a mail client; Markdown is wrapped by its renderer; the
    checklist's copy (``sheet`` without a width) goes into a chat that wraps to its window."""
    d, remove = CASES["hybrid-ios12.1-safari-option-on"]
    work = on_device_work(d, remove)
    kw = {"remove_apple_mdm_profile": remove, "request_id": "r1"}
    export_sheets([SheetJob(d, work, remove, "r1")], tmp_path, ["ja", "en"], ["md", "txt"])
    for lang in LANGS:
        txt = (tmp_path / sheet_name(d, lang, "txt")).read_text("utf-8")
        md = (tmp_path / sheet_name(d, lang, "md")).read_text("utf-8")
        assert txt == sheet(d, work, lang, "txt", width=TXT_WIDTH, **kw)
        assert md == sheet(d, work, lang, "md", **kw) == sheet(d, work, lang, "md", width=20, **kw)
        copied = sheet(d, work, lang, "txt", **kw)
        assert txt != copied
        assert max(cell_len(line) for line in copied.splitlines()) > TXT_WIDTH
