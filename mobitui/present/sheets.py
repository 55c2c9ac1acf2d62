"""Instruction sheets for a device's user: the on-device steps that apply to that device only.

The admin sends these by mail or chat. A sheet holds the device's facts, then each procedure it
needs (D before C), walked for that device by the same walker as the checklist screen
(:func:`mobitui.domain.checklist.on_device_walk`): only the notes that apply to the device's OS
version, enrollment, options and restrictions. Two formats: Markdown and plain text, in ja or
en; the labels are the catalogue's (``mobitui.i18n.sheets``), so the platform reads as the TUI
writes it.

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

from mobitui.domain.checklist import on_device_walk
from mobitui.domain.models import Device
from mobitui.domain.procedures import Section
from mobitui.domain.rules import OnDeviceWork
from mobitui.domain.text import Lang
from mobitui.i18n import Catalogue
from mobitui.local import private_files

__all__ = ["Format", "Lang", "SheetJob", "export_sheets", "md_literal", "sheet", "sheet_name"]

Format = Literal["md", "txt"]


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
) -> str:
    """The whole sheet for one device, ending with a newline."""
    md = fmt == "md"
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
        out.append(t("sheet.unknown"))
        return "\n".join(out) + "\n"
    if work is OnDeviceWork.NOTHING_REACHES:
        out.append(t("sheet.nothing_reaches"))
        return "\n".join(out) + "\n"
    if work is OnDeviceWork.NONE:
        out.append(t("sheet.none"))
        return "\n".join(out) + "\n"

    for section in on_device_walk(device, work, remove_apple_mdm_profile):
        out += _section_lines(section, lang, md)
    return "\n".join(out).rstrip("\n") + "\n"


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
                )
                path = directory / sheet_name(job.device, lang, fmt)
                private_files.write_atomic(path, text.encode("utf-8"), private=False)
                written.append(path)
    return written
