"""Instruction sheets for a device's user: the on-device steps that apply to that device only.

The admin sends these by mail or chat. A sheet holds the device's facts, then each procedure it
needs (D before C) rendered from the same step data as the checklist screen
(``mobitui.domain.procedures``), with only the notes that apply to the device's OS version,
enrollment, options and restrictions. Two formats: Markdown and plain text, in ja or en.

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

from mobitui.domain.checklist import blocked, sections
from mobitui.domain.models import Device
from mobitui.domain.procedures import NOTES, NoteContext, get, intro_for, steps_for
from mobitui.domain.rules import OnDeviceWork
from mobitui.local import private_files

Lang = Literal["ja", "en"]
Format = Literal["md", "txt"]

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("端末側の作業: {name}", "On-device steps: {name}"),
    "name": ("端末名", "Device"),
    "serial": ("シリアル番号", "Serial number"),
    "model": ("機種", "Model"),
    "os": ("OS", "OS"),
    "user": ("ユーザー", "User"),
    "request": ("インアクティベーション要求", "Inactivation request"),
    "none": (
        "この端末で必要な作業はありません。",
        "Nothing needs to be done on this device.",
    ),
    "nothing_reaches": (
        "この端末は強制インアクティベーションされました。端末には何も届いていません。"
        "端末側のプロファイルと制限は、端末を初期化するまで残ります。",
        "This device was force-inactivated: nothing reached it. Its profile and restrictions "
        "stay until it is reset.",
    ),
    "unknown": (
        "この端末にはインアクティベーション要求がないため、必要な作業は分かりません。",
        "This device has no inactivation request, so no on-device work is known.",
    ),
}


def _label(key: str, lang: Lang, **values: str) -> str:
    ja, en = _LABELS[key]
    return (ja if lang == "ja" else en).format(**values)


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
    ja = lang == "ja"

    def value(text: str) -> str:
        return md_literal(text) if md else text

    platform = {"ios": "iOS", "ipados": "iPadOS", "android": "Android", "windows": "Windows"}
    facts = [
        ("name", device.name),
        ("serial", device.serial),
        ("model", device.model),
        ("os", f"{platform.get(device.platform.value, device.platform.value)} {device.os_version}"),
        ("user", device.user_name),
    ]
    if request_id is not None:
        facts.append(("request", request_id))
    title = _label("title", lang, name=value(device.name))
    out: list[str] = [f"# {title}" if md else title]
    if not md:
        out.append("=" * 40)
    out.append("")
    for key, text in facts:
        prefix = "- " if md else ""
        out.append(f"{prefix}{_label(key, lang)}: {value(text)}")
    out.append("")

    if work is None:
        out.append(_label("unknown", lang))
        return "\n".join(out) + "\n"
    if work is OnDeviceWork.NOTHING_REACHES:
        out.append(_label("nothing_reaches", lang))
        return "\n".join(out) + "\n"
    if work is OnDeviceWork.NONE:
        out.append(_label("none", lang))
        return "\n".join(out) + "\n"

    ctx = NoteContext.for_device(device, remove_apple_mdm_profile=remove_apple_mdm_profile)
    impossible = blocked(device, work)
    for index, pid in enumerate(sections(work), start=1):
        procedure = get(pid)
        heading = f"{index}. {procedure.title_ja if ja else procedure.title_en}"
        out.append(f"## {heading}" if md else f"[{heading}]")
        out.append("")
        if pid in impossible:
            note = NOTES[impossible[pid]]
            out.append(
                f"**⚠ {note.ja if ja else note.en}**" if md else f"  ⚠ {note.ja if ja else note.en}"
            )
            out.append("")
            continue
        for note in intro_for(pid, ctx):
            text = note.ja if ja else note.en
            out.append(f"> ※ {text}" if md else f"  ※ {text}")
        if intro_for(pid, ctx):
            out.append("")
        for step in steps_for(pid, ctx):
            text = step.ja if ja else step.en
            out.append(f"{step.number}. {text}" if md else f"  {step.number:>2}. {text}")
            for note in step.notes:
                note_text = note.ja if ja else note.en
                out.append(f"    - ※ {note_text}" if md else f"      ※ {note_text}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


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
