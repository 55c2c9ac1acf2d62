"""Instruction sheets for a device's user: the on-device steps that apply to that device only.

The admin sends these by mail or chat. A sheet holds the device's facts, then each procedure it
needs (D before C), walked for that device by the same walker as the checklist screen
(:func:`mobitui.domain.checklist.on_device_walk`): only the notes that apply to the device's OS
version, enrollment, options and restrictions. Two formats: Markdown and plain text, in ja or
en; the labels are the catalogue's (``mobitui.i18n.sheets``), so the platform reads as the TUI
writes it.

A plain-text *file* is hard-wrapped to :data:`TXT_WIDTH` cells by the Japanese line-breaking
rules (:mod:`mobitui.present.wrap`: kinsoku, phrases, terms such as ``Device Owner`` kept
whole), each numbered step and ※/⚠ note hung under its marker: it is read in a text editor or a
mail client that does not wrap, or wraps CJK anywhere. Markdown is never wrapped (its renderer
wraps, and a break inside a paragraph would be a space in English), nor is the plain text that
:func:`sheet` gives by default: the checklist copies that into a chat, whose window wraps to its
own width (a phone's is narrower than 72 cells), so hard breaks would leave ragged lines.

An English sheet quotes the Japanese labels of iOS (「許可」 (Allow)); the rules would take such
a paragraph for Japanese and keep its every space between English words, breaking only beside
the labels. So English is broken at its spaces, each label one unit; in both languages the
product terms (:data:`_TERMS`: ``Hybrid MDM``, ``Device Owner``, ``iOS 12.1``) are never cut.

Device names and other server text are untrusted: in Markdown each is a code span, so a device
named ``[here](https://evil.example)``, ``www.evil.example`` or ``me@evil.example`` is neither
markup nor a link in the admin's chat window.

Pure Python: no I/O (files are written by ``mobitui.local.checklists``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.cells import cell_len

from mobitui.domain.checklist import on_device_walk
from mobitui.domain.models import Device
from mobitui.domain.procedures import Section
from mobitui.domain.rules import OnDeviceWork
from mobitui.domain.text import Lang
from mobitui.i18n import Catalogue
from mobitui.local import private_files
from mobitui.present.wrap import line_spans

__all__ = [
    "TXT_WIDTH",
    "Format",
    "Lang",
    "SheetJob",
    "export_sheets",
    "md_literal",
    "sheet",
    "sheet_name",
]

Format = Literal["md", "txt"]

#: The width, in display cells (``rich.cells.cell_len``), of a plain-text sheet's file.
TXT_WIDTH = 72


def md_literal(text: str) -> str:
    """Untrusted text as a Markdown code span: shown exactly as it is, never markup or a link.

    Escaping each special character is not enough: GitHub's renderer (cmark-gfm) turns
    ``me\\@evil\\.example`` into a mail link whatever the backslashes or entities, and
    linkify-style renderers make ``evil.com`` a link. Inside a code span no renderer parses
    markup, HTML or autolinks. The fence is one backtick longer than any run inside, and a
    space pads a value that starts or ends with a backtick or a space (CommonMark strips one).
    """
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def sheet(
    device: Device,
    work: OnDeviceWork | None,
    lang: Lang,
    fmt: Format,
    *,
    remove_apple_mdm_profile: bool | None = None,
    request_id: str | None = None,
    width: int | None = None,
) -> str:
    """The whole sheet for one device, ending with a newline.

    ``width``: plain text only, the cells a line may take (continuation lines hung under a
    step's number or a note's mark); ``None`` leaves each paragraph on one line. Markdown is
    never wrapped.
    """
    md = fmt == "md"
    lines = _sheet_lines(device, work, lang, md, remove_apple_mdm_profile, request_id)
    if not md and width is not None:
        lines = [part for line in lines for part in _wrap(line, width, latin=lang != "ja")]
    return "\n".join(lines) + "\n"


#: Terms whose spaces are no place to break, in English as in Japanese.
_TERMS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:Apple|Hybrid|IVI) MDM|(?:Device|Profile) Owner|Apple (?:Business|School) Manager"
    r"|Profile Service|(?:Inventit )?MobiConnect for Business|(?:iOS|iPadOS|macOS|Android) \d"
    r")(?![A-Za-z])"
)
#: A sheet line's marker: its continuation lines are hung under the text after it.
_MARKER = re.compile(r" *(?:[※⚠] |\d{1,3}\. )?")


def _wrap(line: str, width: int, *, latin: bool) -> list[str]:
    """One line of a sheet broken by :func:`mobitui.present.wrap.line_spans` (its rules).

    It is broken as a stand-in of the same widths, then cut where the stand-in was: each space
    of a term a no-break space (never a break, even where the rules would take the term's words
    for two: after ``: `` or beside a long name); in English (``latin``) each wide character two
    letters, so a quoted label is one word and the spaces between English words are breaks.
    """
    kept = {
        m.start() + i for m in _TERMS.finditer(line) for i, c in enumerate(m.group()) if c == " "
    }
    stand_in: list[str] = []
    at: list[int] = []  # at[k]: the offset in ``line`` of the stand-in's k-th character
    for i, ch in enumerate(line):
        cells = cell_len(ch)
        if i in kept:
            ch = "\u00a0"
        elif latin and cells > 1:
            ch = "a" * cells
        stand_in.append(ch)
        at += [i] * len(ch)
    at.append(len(line))
    marker = _MARKER.match(line)
    hang = len(marker.group()) if marker else 0
    hang = hang if hang <= width // 2 else 0
    spans = line_spans("".join(stand_in), width, hang=hang)
    return [" " * (hang if k else 0) + line[at[a] : at[b]] for k, (a, b) in enumerate(spans)]


def _sheet_lines(
    device: Device,
    work: OnDeviceWork | None,
    lang: Lang,
    md: bool,
    remove_apple_mdm_profile: bool | None,
    request_id: str | None,
) -> list[str]:
    t = Catalogue(lang)

    def value(text: str) -> str:
        return md_literal(text) if md else text

    facts = [
        (t("sheet.name"), device.name),
        (t("sheet.serial"), device.serial),
        (t("sheet.model"), device.model),
        (t("sheet.os"), f"{t.platform(device.platform)} {device.os_version}"),
        (t("sheet.user"), device.user_name),
    ]
    if request_id is not None:
        facts.append((t("sheet.request"), request_id))
    title = t("sheet.title", name=value(device.name))
    out: list[str] = [f"# {title}" if md else title]
    if not md:
        out.append("=" * 40)
    out.append("")
    for label, text in facts:
        prefix = "- " if md else ""
        out.append(f"{prefix}{label}: {value(text)}")
    out.append("")

    if work is None:
        return [*out, t("sheet.unknown")]
    if work is OnDeviceWork.NOTHING_REACHES:
        return [*out, t("sheet.nothing_reaches")]
    if work is OnDeviceWork.NONE:
        return [*out, t("sheet.none")]

    for section in on_device_walk(device, work, remove_apple_mdm_profile):
        out += _section_lines(section, lang, md)
    while out and not out[-1]:
        out.pop()
    return out


def _section_lines(section: Section, lang: Lang, md: bool) -> list[str]:
    """One walked procedure: a heading, then why it cannot be done, or its notes and steps."""
    heading = f"{section.position}. {section.title.pick(lang)}"
    out = [f"## {heading}" if md else f"[{heading}]", ""]
    if section.blocked is not None:
        text = section.blocked.text.pick(lang)
        return [*out, f"**⚠ {text}**" if md else f"  ⚠ {text}", ""]
    for note in section.notes:
        text = note.text.pick(lang)
        out.append(f"> ※ {text}" if md else f"  ※ {text}")
    if section.notes:
        out.append("")
    for step in section.steps:
        text = step.text.pick(lang)
        out.append(f"{step.number}. {text}" if md else f"  {step.number:>2}. {text}")
        for note in step.notes:
            note_text = note.text.pick(lang)
            out.append(f"    - ※ {note_text}" if md else f"      ※ {note_text}")
    out.append("")
    return out


# --------------------------------------------------------------------------- files

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class SheetJob:
    device: Device
    work: OnDeviceWork | None
    remove_apple_mdm_profile: bool | None
    request_id: str | None


def sheet_name(device: Device, lang: str, fmt: str) -> str:
    serial = _SAFE.sub("_", device.serial)[:40] or "no-serial"
    return f"{_SAFE.sub('_', device.id)[:40]}-{serial}.{lang}.{fmt}"


def export_sheets(
    jobs: Iterable[SheetJob], directory: Path, langs: Sequence[Lang], formats: Sequence[Format]
) -> list[Path]:
    """Write every sheet; returns the files written. Raises OSError naming the file.

    Each sheet is written whole (checked length, fsync'd, renamed into place) with the
    umask's mode: the folder is the admin's choice, often one shared with colleagues.
    """
    directory = directory.expanduser()
    written: list[Path] = []
    for job in jobs:
        for lang in langs:
            for fmt in formats:
                text = sheet(
                    job.device,
                    job.work,
                    lang,
                    fmt,
                    remove_apple_mdm_profile=job.remove_apple_mdm_profile,
                    request_id=job.request_id,
                    width=TXT_WIDTH if fmt == "txt" else None,
                )
                path = directory / sheet_name(job.device, lang, fmt)
                private_files.write_atomic(path, text.encode("utf-8"), private=False)
                written.append(path)
    return written
