"""Instruction sheets against golden files: exactly the steps and notes that apply, in ja and en,
as Markdown and plain text; untrusted names escaped in Markdown.

After a deliberate change: ``UPDATE_GOLDEN=1 pytest tests/unit/test_sheets.py``, then read the
diff of ``tests/unit/golden/sheets`` before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mobitui.domain.models import Enrollment, Platform
from mobitui.domain.rules import OnDeviceWork, on_device_work
from mobitui.present.sheets import Format, Lang, md_literal, sheet
from tests.unit.test_rules import device

GOLDEN = Path(__file__).parent / "golden" / "sheets"

CASES = {
    # Apple MDM, 「有効にする」 off: C, with iOS 15+'s label. A name full of Markdown.
    "apple-ios17-option-off": (
        device(name="[prod] Sato's *iPhone* <b>1</b>", os_version="17.4"),
        False,
    ),
    # Hybrid MDM on iOS 12.1 with Safari restricted, option on: D with the old-iOS notes.
    "hybrid-ios12.1-safari-option-on": (
        device(enrollment=Enrollment.HYBRID_MDM, os_version="12.1", safari_restricted=True),
        True,
    ),
    # Hybrid MDM on iOS 14.8, option off: D then C.
    "hybrid-ios14.8-option-off": (
        device(
            enrollment=Enrollment.HYBRID_MDM,
            os_version="14.8",
            model="iPad8,1",
            platform=Platform.IPADOS,
        ),
        False,
    ),
    # DEP forbidding removal, option off: C is impossible, and the sheet says so.
    "dep-forbids-option-off": (
        device(dep=True, dep_profile_removal_forbidden=True, os_version="16.7.2"),
        False,
    ),
    # An Android client-app device: nothing to do on it.
    "android-client-app": (
        device(
            platform=Platform.ANDROID,
            enrollment=Enrollment.CLIENT_APP,
            os_version="14",
            model="Pixel 8",
            name="Pixel of Ito",
        ),
        False,
    ),
}


def _render(case: str, lang: Lang, fmt: Format) -> str:
    d, remove = CASES[case]
    return sheet(
        d,
        on_device_work(d, remove),
        lang,
        fmt,
        remove_apple_mdm_profile=remove,
        request_id="inact-000042",
    )


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_sheet_matches_its_golden_file(case: str, lang: Lang, fmt: Format) -> None:
    path = GOLDEN / f"{case}.{lang}.{fmt}"
    text = _render(case, lang, fmt)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


def test_forced_devices_get_the_plain_statement() -> None:
    text = sheet(device(), OnDeviceWork.NOTHING_REACHES, "ja", "txt")
    assert "端末には何も届いていません" in text
    assert "1." not in text  # no steps
    assert "no inactivation request" in sheet(device(), None, "en", "md")


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_platform_reads_as_the_tui_writes_it(lang: Lang, fmt: Format) -> None:
    """The catalogue's platform names (a deliberate fix: sheets printed "macos 15.1")."""
    mac = device(platform=Platform.MACOS, os_version="15.1", model="Mac14,2")
    text = sheet(mac, OnDeviceWork.NONE, lang, fmt)
    assert "macOS 15.1" in text
    assert "macos" not in text
    assert "iPadOS 17.4" in sheet(device(platform=Platform.IPADOS), OnDeviceWork.NONE, lang, fmt)


HOSTILE_NAMES = [
    "[x](https://evil.example) `code` **b** <img src=x> # h | t ~s~ &amp;",
    "https://evil.example/login",
    "www.evil.example",
    "mail me@evil.example now",
    "evil.com",
    "xmpp:foo@bar.baz",
    "<https://evil.example>",
    "``` fenced",
    "` edge `",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_is_never_markup_nor_a_link_in_gfm_or_linkify(name: str) -> None:
    """Rendered by GitHub's own cmark-gfm (autolinks on) and by markdown-it with linkify, as
    chat tools do: the name is text, exactly, and nothing in the sheet is a link or a tag."""
    import html

    import cmarkgfm
    from markdown_it import MarkdownIt

    text = sheet(device(name=name, user_name=name), OnDeviceWork.C, "en", "md")
    for rendered in (
        cmarkgfm.github_flavored_markdown_to_html(text),
        MarkdownIt("gfm-like").render(text),
    ):
        assert "<a " not in rendered and "<img" not in rendered and "<strong>" not in rendered
        shown = html.unescape(rendered)
        assert name.strip() in shown


def test_a_code_span_holds_any_value() -> None:
    assert md_literal("plain") == "`plain`"
    assert md_literal("a `b` c") == "``a `b` c``"
    assert md_literal("`x") == "`` `x ``"
    assert md_literal("") == ""
