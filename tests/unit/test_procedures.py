"""The procedures A–E as data: numbering, the help page's labels, and which notes apply when."""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime

import pytest

from mobitui.domain import procedures as P
from mobitui.domain.models import Device, DeviceState, Enrollment, Platform
from mobitui.domain.procedures import (
    GENERIC,
    NOTES,
    PROCEDURES,
    Condition,
    Note,
    NoteContext,
    NoteId,
    OsRange,
    Procedure,
    ProcedureId,
    Step,
    get,
    intro_for,
    procedures_for_work,
    steps_for,
    walk,
    walk_all,
)
from mobitui.domain.rules import OnDeviceWork, on_device_work
from mobitui.domain.text import Localized as L
from mobitui.domain.text import has_hidden

N = NoteId
PID = ProcedureId
APPLE_MDM, HYBRID = Enrollment.APPLE_MDM, Enrollment.HYBRID_MDM


def notes_at(pid: ProcedureId, ctx: NoteContext) -> dict[int, set[NoteId]]:
    """Step number → ids of the notes that apply (steps without notes left out)."""
    return {s.number: {n.id for n in s.notes} for s in steps_for(pid, ctx) if s.notes}


def intro_ids(pid: ProcedureId, ctx: NoteContext) -> set[NoteId]:
    return {n.id for n in intro_for(pid, ctx)}


def all_texts() -> list[tuple[str, str]]:
    """(where, text) for every ja and en string of every procedure."""
    out: list[tuple[str, str]] = []
    for proc in PROCEDURES.values():
        out += [(f"{proc.id} title ja", proc.title.ja), (f"{proc.id} title en", proc.title.en)]
        for step in proc.steps:
            out += [
                (f"{proc.id}{step.number} ja", step.text.ja),
                (f"{proc.id}{step.number} en", step.text.en),
            ]
    for note in NOTES.values():
        out += [(f"{note.id} ja", note.text.ja), (f"{note.id} en", note.text.en)]
    return out


# --------------------------------------------------------------------------- numbering


@pytest.mark.parametrize(("pid", "count"), [("A", 11), ("B", 9), ("C", 5), ("D", 14), ("E", 9)])
def test_step_numbers_are_the_pages_own(pid, count):
    proc = get(PID(pid))
    assert proc.id is PID(pid)
    assert [s.number for s in proc.steps] == list(range(1, count + 1))
    assert [s.number for s in steps_for(PID(pid), GENERIC)] == list(range(1, count + 1))
    assert proc.step(count).number == count


def test_every_procedure_is_present():
    assert set(PROCEDURES) == set(ProcedureId)


def test_procedure_rejects_wrong_numbering():
    with pytest.raises(ValueError, match="numbered"):
        Procedure(PID.A, L("x", "x"), (Step(1, L("a", "a")), Step(3, L("b", "b"))))


def test_data_is_frozen():
    proc = get(PID.D)
    with pytest.raises(dataclasses.FrozenInstanceError):
        proc.title = L("x", "x")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        proc.steps[0].text = L("x", "x")  # type: ignore[misc]
    with pytest.raises(TypeError):
        PROCEDURES[PID.A] = proc  # type: ignore[index]
    assert not hasattr(proc.steps[0], "__dict__")  # slots


def test_domain_stays_import_pure():
    code = (
        "import sys, mobitui.domain.procedures; "
        "bad = {'textual', 'httpx', 'starlette', 'uvicorn', 'sqlite3'} & set(sys.modules); "
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- labels

# (procedure, step, labels its ja text must quote exactly), from procedure.md
STEP_LABELS = [
    ("A", 1, ["「端末管理」"]),
    ("A", 4, ["「端末管理」"]),
    ("A", 5, ["「一括インアクティベーション」"]),
    ("A", 6, ["「有効にする」"]),
    ("A", 7, ["「スケジュール」", "「予約日時を設定する」"]),
    ("A", 8, ["「パスワード」"]),
    ("A", 9, ["「同意する」"]),
    ("A", 10, ["「OK」"]),
    ("B", 1, ["「端末管理」"]),
    ("B", 4, ["「端末管理」"]),
    ("B", 5, ["「一括強制インアクティベーション」"]),
    ("B", 6, ["「有効」"]),
    ("B", 7, ["「パスワード」"]),
    ("B", 8, ["「同意する」"]),
    ("B", 9, ["「OK」"]),
    ("C", 1, ["「設定」", "「一般」"]),
    ("C", 2, ["「プロファイルとデバイス管理」"]),
    ("C", 4, ["「削除」"]),
    ("D", 2, ["「許可」"]),
    ("D", 3, ["「閉じる」"]),
    ("D", 4, ["「一般」", "「設定アプリへ」"]),
    ("D", 5, ["「VPNとデバイス管理」"]),
    ("D", 6, ["「Profile Service」"]),
    ("D", 7, ["「インストール」"]),
    ("D", 8, ["「インストール」"]),
    ("D", 9, ["「インストール」"]),
    ("D", 10, ["「インストール」"]),
    ("D", 11, ["「完了」"]),
    ("D", 12, ["「Inventit MobiConnect for Business」"]),
    ("D", 13, ["「プロファイルを削除」"]),
    ("D", 14, ["「削除」"]),
    ("E", 1, ["「端末管理」"]),
    ("E", 4, ["「端末管理」"]),
    ("E", 5, ["「端末一括削除」"]),
    ("E", 6, ["「パスワード」"]),
    ("E", 7, ["「同意する」"]),
    ("E", 8, ["「削除」"]),
    ("E", 9, ["「閉じる」"]),
]

# console labels procedure.md also quotes in its English steps: the en text keeps them too
EN_KEEPS = {
    "「端末管理」",
    "「一括インアクティベーション」",
    "「有効にする」",
    "「スケジュール」",
    "「予約日時を設定する」",
    "「パスワード」",
    "「同意する」",
    "「OK」",
    "「一括強制インアクティベーション」",
    "「有効」",
    "「端末一括削除」",
    "「削除」",
    "「閉じる」",
    "「許可」",
    "「設定アプリへ」",
    "「VPNとデバイス管理」",
    "「インストール」",
    "「完了」",
    "「Inventit MobiConnect for Business」",
    "「プロファイルを削除」",
    "「プロファイルとデバイス管理」",
}


@pytest.mark.parametrize(("pid", "number", "labels"), STEP_LABELS)
def test_step_quotes_the_pages_labels(pid, number, labels):
    step = get(PID(pid)).step(number)
    for label in labels:
        assert label in step.text.ja
        if label in EN_KEEPS:
            assert label in step.text.en


@pytest.mark.parametrize(
    ("note", "labels"),
    [
        (N.INCORRECT_PASSWORD_TIP, ["「不正なパスワード」", "「OK」"]),
        (N.BEFORE_IOS_15_PROFILE_LABEL, ["「プロファイル」", "「プロファイルとデバイス管理」"]),
        (N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL, ["「VPNとデバイス管理」"]),
        (N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS, ["「許可」", "iOS 12.2"]),
        (N.PROFILE_EXPIRES_8_MINUTES, ["8分"]),
        (N.DELETE_AFTER_NEEDS_PERMISSION, ["[端末管理]-[端末削除]", "「有効」"]),
        (N.C_NOT_NEEDED_WHEN_OPTION_CHECKED, ["「有効にする」"]),
        (N.APP_OPENS_SETTINGS_ONLY, ["iOS 8/iPadOS 13.1以降", "Safari"]),
        (N.SAFARI_RESTRICTED, ["Safari", "制限を解除"]),
        (N.INSTALL_CANCELLED_RECOVERY, ["クライアントアプリから端末登録", "最初から"]),
        (N.JOBS_CANCELLED, ["ジョブは全てキャンセル"]),
        (N.FORCED_KEEPS_RESTRICTIONS, ["制限は解除されません", "初期化"]),
        (N.E_DEVICES_MUST_BE_INACTIVE, ["無効状態", "グレー"]),
        (N.ANDROID_11_DEVICE_OWNER_FACTORY_RESET, ["Android 11", "Device Owner", "初期化"]),
    ],
)
def test_note_quotes_the_pages_terms(note, labels):
    for label in labels:
        assert label in NOTES[note].text.ja


def test_label_absent_from_wrong_place():
    # D is Hybrid only: the Apple MDM settings path of C never appears in it, and vice versa.
    d_text = "".join(s.text.ja for s in get(PID.D).steps)
    c_text = "".join(s.text.ja for s in get(PID.C).steps)
    assert "モバイルデバイス管理" not in d_text
    assert "Profile Service" not in c_text
    # the page's slip 「プロファイルをモバイルデバイス管理」 is not reproduced
    assert "「プロファイルをモバイルデバイス管理」" not in c_text


@pytest.mark.parametrize(("where", "text"), all_texts())
def test_text_is_clean(where, text):
    assert text.strip() == text and text
    # no look-alike CJK radicals (the page has 表⽰/⼊⼒), no NBSP, nothing NFKC would change
    assert unicodedata.normalize("NFKC", text) == text, where
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF for ch in text), where
    assert not has_hidden(text), where


@pytest.mark.parametrize(("where", "text"), [t for t in all_texts() if t[0].endswith("en")])
def test_en_text_is_not_japanese_prose(where, text):
    # outside 「…」 quotes, the English text has no kana (ja labels only appear quoted)
    outside = "".join(part.split("」", 1)[-1] for part in text.split("「"))
    assert not any("\u3040" <= ch <= "\u30ff" for ch in outside), where


# --------------------------------------------------------------------------- notes placement

PLACEMENT = {
    N.RUNS_AT_ONCE_UNLESS_SCHEDULED: ("A", 7),
    N.PROFILE_OPTION_REMOVES_PROFILE: ("A", 6),
    N.OPTION_OFF_NEEDS_C: ("A", 6),
    N.DEP_FORBIDS_DEVICE_REMOVAL: ("A", 6),
    N.SILENT_WLAN_CONNECT_ELSEWHERE: ("A", 6),
    N.PROFILE_OPTION_IGNORED: ("A", 6),
    N.ANDROID_11_DEVICE_OWNER_FACTORY_RESET: ("A", 10),
    N.JOBS_CANCELLED: ("A", 11),
    N.DELETE_AFTER_NEEDS_PERMISSION: ("B", 6),
    N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL: ("C", 2),
    N.APPLE_MDM_PROFILE_LOCATION: ("C", 3),
    N.NOTIFICATION_FROM_LOCK_SCREEN: ("D", 1),
    N.APP_OPENS_SETTINGS_ONLY: ("D", 1),
    N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS: ("D", 2),
    N.SAFARI_RESTRICTED: ("D", 2),
    N.INCORRECT_PASSWORD_TIP: ("D", 4),
    N.BEFORE_IOS_15_PROFILE_LABEL: ("D", 5),
    N.PROFILE_EXPIRES_8_MINUTES: ("D", 6),
    N.PASSCODE_PROMPT: ("D", 7),
    N.INSTALL_CANCELLED_RECOVERY: ("D", 7),
    N.MISTAKE_MAY_NEED_FACTORY_RESET: ("A", None),
    N.UNREACHABLE_USE_FORCED: ("A", None),
    N.FORCED_PURPOSE: ("B", None),
    N.FORCED_KEEPS_RESTRICTIONS: ("B", None),
    N.C_NOT_NEEDED_WHEN_OPTION_CHECKED: ("C", None),
    N.D_NOT_NEEDED_FOR_APPLE_MDM: ("D", None),
    N.D_PURPOSE: ("D", None),
    N.E_DEVICES_MUST_BE_INACTIVE: ("E", None),
}


def test_every_note_is_placed_once_where_the_page_puts_it():
    assert set(PLACEMENT) == set(NoteId) == set(NOTES)
    found: dict[NoteId, tuple[str, int | None]] = {}
    for proc in PROCEDURES.values():
        for note in proc.notes:
            assert note.id not in found
            found[note.id] = (proc.id.value, None)
        for step in proc.steps:
            for note in step.notes:
                assert note.id not in found
                found[note.id] = (proc.id.value, step.number)
    assert found == PLACEMENT


def test_generic_context_shows_every_note():
    assert NoteContext() == GENERIC
    for pid, proc in PROCEDURES.items():
        assert steps_for(pid, GENERIC) == proc.steps
        assert intro_for(pid, GENERIC) == proc.notes
        assert steps_for(pid) == proc.steps


# --------------------------------------------------------------------------- notes by context

IOS_VERSIONS = ["12.1", "12.2", "13.0", "13.1", "14.8", "15.0", "17.4"]


def version(raw: str) -> tuple[int, ...]:
    return tuple(int(x) for x in raw.split("."))


def expected_d(enrollment, remove, dep_forbids, safari, ver) -> dict[int, set[NoteId]]:
    v = version(ver)
    hybrid = enrollment is HYBRID
    out = {
        1: {N.NOTIFICATION_FROM_LOCK_SCREEN} | ({N.APP_OPENS_SETTINGS_ONLY} if hybrid else set()),
        2: ({N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS} if v <= (12, 2) else set())
        | ({N.SAFARI_RESTRICTED} if hybrid and safari else set()),
        4: {N.INCORRECT_PASSWORD_TIP},
        5: {N.BEFORE_IOS_15_PROFILE_LABEL} if v < (15,) else set(),
        6: {N.PROFILE_EXPIRES_8_MINUTES},
        7: {N.PASSCODE_PROMPT} | ({N.INSTALL_CANCELLED_RECOVERY} if hybrid else set()),
    }
    return {k: v for k, v in out.items() if v}


def expected_c(enrollment, remove, dep_forbids, safari, ver) -> dict[int, set[NoteId]]:
    out = {
        2: {N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL} if version(ver) >= (15,) else set(),
        3: {N.APPLE_MDM_PROFILE_LOCATION},
    }
    return {k: v for k, v in out.items() if v}


def expected_a6(enrollment, remove, dep_forbids, safari, ver) -> set[NoteId]:
    out = {N.PROFILE_OPTION_REMOVES_PROFILE}
    if remove is not True:
        out.add(N.OPTION_OFF_NEEDS_C)
        if dep_forbids:
            out.add(N.DEP_FORBIDS_DEVICE_REMOVAL)
    return out


TABLE = list(
    itertools.product(
        [APPLE_MDM, HYBRID], [None, False, True], [False, True], [False, True], IOS_VERSIONS
    )
)


def ios_ctx(enrollment, remove, dep_forbids, safari, ver, platform=Platform.IOS) -> NoteContext:
    return NoteContext(
        platform=platform,
        os_version=ver,
        enrollment=enrollment,
        dep=dep_forbids,
        dep_profile_removal_forbidden=dep_forbids,
        safari_restricted=safari,
        remove_apple_mdm_profile=remove,
    )


@pytest.mark.parametrize("row", TABLE, ids=["-".join(map(str, r)) for r in TABLE])
def test_notes_by_context(row):
    enrollment, remove, *_ = row
    ctx = ios_ctx(*row)
    assert notes_at(PID.D, ctx) == expected_d(*row)
    assert notes_at(PID.C, ctx) == expected_c(*row)
    assert notes_at(PID.A, ctx)[6] == expected_a6(*row)
    assert intro_ids(PID.D, ctx) == {N.D_PURPOSE} | (
        {N.D_NOT_NEEDED_FOR_APPLE_MDM} if enrollment is APPLE_MDM else set()
    )
    assert intro_ids(PID.C, ctx) == (
        set() if remove is False else {N.C_NOT_NEEDED_WHEN_OPTION_CHECKED}
    )
    # steps are never dropped, only notes
    assert [s.number for s in steps_for(PID.D, ctx)] == list(range(1, 15))
    assert [s.text for s in steps_for(PID.D, ctx)] == [s.text for s in get(PID.D).steps]


def version_notes(ctx: NoteContext) -> set[NoteId]:
    d, c = notes_at(PID.D, ctx), notes_at(PID.C, ctx)
    got = d.get(1, set()) | d.get(2, set()) | d.get(5, set()) | c.get(2, set())
    return got & {
        N.APP_OPENS_SETTINGS_ONLY,
        N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS,
        N.BEFORE_IOS_15_PROFILE_LABEL,
        N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL,
    }


APP, V122, LT15, GE15 = (
    N.APP_OPENS_SETTINGS_ONLY,
    N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS,
    N.BEFORE_IOS_15_PROFILE_LABEL,
    N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL,
)


@pytest.mark.parametrize(
    ("platform", "ver", "expected"),
    [
        (Platform.IOS, "7.1.2", {V122, LT15}),
        (Platform.IOS, "8.0", {APP, V122, LT15}),
        (Platform.IOS, "12.2.1", {APP, V122, LT15}),  # 「iOS12.2まで」 includes 12.2.x
        (Platform.IOS, "12.3", {APP, LT15}),
        (Platform.IOS, "14.8.1", {APP, LT15}),
        (Platform.IOS, "15", {APP, GE15}),
        # an iPad before iPadOS (13.1) runs iOS: the iOS ranges apply to it
        (Platform.IPADOS, "7.1", {V122, LT15}),
        (Platform.IPADOS, "12.1", {APP, V122, LT15}),
        (Platform.IPADOS, "13.1", {APP, LT15}),
        (Platform.IPADOS, "14.8", {APP, LT15}),
        (Platform.IPADOS, "15.0", {APP, GE15}),
        (Platform.IPADOS, "17.4", {APP, GE15}),
        # unknown or unparsable version: show every version note of the platform
        (Platform.IOS, None, {APP, V122, LT15, GE15}),
        (Platform.IPADOS, None, {APP, V122, LT15, GE15}),
        (Platform.IOS, "", {APP, V122, LT15, GE15}),
        (Platform.IOS, "beta", {APP, V122, LT15, GE15}),
        (Platform.IOS, "17.4²", {APP, GE15}),  # must not raise; ASCII digits only
        # unknown platform, known version: the version still decides
        (None, "17.4", {APP, GE15}),
        (None, "12.1", {APP, V122, LT15}),
        (None, None, {APP, V122, LT15, GE15}),
        # not iOS/iPadOS: none of them
        (Platform.ANDROID, "12", set()),
        (Platform.MACOS, "12.1", set()),
    ],
)
def test_version_notes(platform, ver, expected):
    ctx = NoteContext(platform=platform, os_version=ver, enrollment=HYBRID)
    assert version_notes(ctx) == expected


@pytest.mark.parametrize(
    ("ctx", "shown"),
    [
        (NoteContext(), True),  # generic: flags unknown
        (NoteContext(safari_restricted=False), True),  # still no device named
        (NoteContext(enrollment=HYBRID), False),  # a device: the flag is a fact
        (NoteContext(platform=Platform.IOS), False),
        (NoteContext(platform=Platform.IOS, enrollment=HYBRID, safari_restricted=True), True),
        (NoteContext(platform=Platform.IOS, enrollment=APPLE_MDM, safari_restricted=True), False),
        (NoteContext(safari_restricted=True), True),
    ],
)
def test_safari_note_and_unknown_flags(ctx, shown):
    assert (N.SAFARI_RESTRICTED in notes_at(PID.D, ctx).get(2, set())) is shown


@pytest.mark.parametrize(("can_delete", "shown"), [(None, True), (False, True), (True, False)])
def test_forced_delete_permission_note(can_delete, shown):
    ctx = NoteContext(can_delete_devices=can_delete)
    assert (N.DELETE_AFTER_NEEDS_PERMISSION in notes_at(PID.B, ctx).get(6, set())) is shown
    assert intro_ids(PID.B, ctx) == {N.FORCED_PURPOSE, N.FORCED_KEEPS_RESTRICTIONS}


@pytest.mark.parametrize(
    ("ctx", "silent_shown"),
    [
        (NoteContext(platform=Platform.IOS, silent_wlan=True, remove_apple_mdm_profile=True), True),
        (NoteContext(platform=Platform.IOS, silent_wlan=True, remove_apple_mdm_profile=None), True),
        (
            NoteContext(platform=Platform.IOS, silent_wlan=True, remove_apple_mdm_profile=False),
            False,
        ),
        (
            NoteContext(platform=Platform.IOS, silent_wlan=False, remove_apple_mdm_profile=True),
            False,
        ),
        (NoteContext(remove_apple_mdm_profile=True), True),
    ],
)
def test_silent_wlan_note(ctx, silent_shown):
    assert (N.SILENT_WLAN_CONNECT_ELSEWHERE in notes_at(PID.A, ctx)[6]) is silent_shown


@pytest.mark.parametrize(
    ("platform", "ignored", "removes"),
    [
        (Platform.IOS, False, True),
        (Platform.IPADOS, False, True),
        (Platform.ANDROID, True, False),
        (Platform.WINDOWS, True, False),
        (Platform.MACOS, True, False),
        (None, True, True),
    ],
)
def test_profile_option_notes_by_platform(platform, ignored, removes):
    a6 = notes_at(PID.A, NoteContext(platform=platform)).get(6, set())
    assert (N.PROFILE_OPTION_IGNORED in a6) is ignored
    assert (N.PROFILE_OPTION_REMOVES_PROFILE in a6) is removes


@pytest.mark.parametrize(
    ("platform", "owner", "ver", "shown"),
    [
        (Platform.ANDROID, True, "11", True),
        (Platform.ANDROID, True, "14", True),
        (Platform.ANDROID, True, "10", False),
        (Platform.ANDROID, False, "14", False),
        (Platform.ANDROID, True, None, True),  # unknown version: warn
        (Platform.IOS, True, "17.4", False),
        (None, False, None, True),  # generic
    ],
)
def test_android_factory_reset_note(platform, owner, ver, shown):
    ctx = NoteContext(platform=platform, os_version=ver, android_device_owner=owner)
    a10 = notes_at(PID.A, ctx).get(10, set())
    assert (N.ANDROID_11_DEVICE_OWNER_FACTORY_RESET in a10) is shown


@pytest.mark.parametrize(
    "ctx",
    [GENERIC, NoteContext(platform=Platform.ANDROID), NoteContext(platform=Platform.IOS)],
)
def test_always_notes_always_apply(ctx):
    assert P.ALWAYS.applies(ctx)
    assert N.JOBS_CANCELLED in notes_at(PID.A, ctx)[11]
    assert N.RUNS_AT_ONCE_UNLESS_SCHEDULED in notes_at(PID.A, ctx)[7]
    assert intro_ids(PID.A, ctx) == {N.MISTAKE_MAY_NEED_FACTORY_RESET, N.UNREACHABLE_USE_FORCED}
    assert intro_ids(PID.E, ctx) == {N.E_DEVICES_MUST_BE_INACTIVE}


def test_condition_constraints_combine():
    cond = Condition(
        platforms=frozenset({Platform.IOS}),
        os=(OsRange(Platform.IOS, since=(15,)),),
        remove_apple_mdm_profile=False,
    )
    assert cond.applies(NoteContext(platform=Platform.IOS, os_version="16"))
    assert not cond.applies(NoteContext(platform=Platform.IOS, os_version="14"))
    assert not cond.applies(
        NoteContext(platform=Platform.IOS, os_version="16", remove_apple_mdm_profile=True)
    )
    assert not cond.applies(NoteContext(platform=Platform.ANDROID, os_version="16"))
    note = Note(N.PASSCODE_PROMPT, L("ja", "en"), cond)
    assert note.when is cond
    assert Note(N.PASSCODE_PROMPT, L("ja", "en")).when is P.ALWAYS


# --------------------------------------------------------------------------- from a device


def make_device(**overrides) -> Device:
    fields = {
        "id": "d1",
        "name": "iPad",
        "group_id": "g1",
        "platform": Platform.IPADOS,
        "os_version": "14.8",
        "model": "iPad13,1",
        "serial": "S",
        "user_name": "u",
        "phone_number": "",
        "enrollment": HYBRID,
        "dep": True,
        "android_device_owner": False,
        "dep_profile_removal_forbidden": True,
        "silent_wlan": True,
        "safari_restricted": True,
        "state": DeviceState.ACTIVE,
        "pending_jobs": 0,
        "last_seen_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    fields.update(overrides)
    return Device(**fields)


def test_context_for_device():
    d = make_device()
    ctx = NoteContext.for_device(d, remove_apple_mdm_profile=False)
    assert ctx == NoteContext(
        platform=Platform.IPADOS,
        os_version="14.8",
        enrollment=HYBRID,
        dep=True,
        dep_profile_removal_forbidden=True,
        silent_wlan=True,
        safari_restricted=True,
        remove_apple_mdm_profile=False,
        can_delete_devices=None,
        android_device_owner=False,
    )
    assert ctx.describes_device
    assert notes_at(PID.D, ctx)[2] == {N.SAFARI_RESTRICTED}
    assert notes_at(PID.D, ctx)[5] == {N.BEFORE_IOS_15_PROFILE_LABEL}
    assert notes_at(PID.A, ctx)[6] == {
        N.PROFILE_OPTION_REMOVES_PROFILE,
        N.OPTION_OFF_NEEDS_C,
        N.DEP_FORBIDS_DEVICE_REMOVAL,
    }
    assert NoteContext.for_device(d).remove_apple_mdm_profile is None
    assert NoteContext.for_device(d, can_delete_devices=True).can_delete_devices is True


def test_context_for_android_device_owner():
    d = make_device(platform=Platform.ANDROID, os_version="12", enrollment=Enrollment.CLIENT_APP)
    d = dataclasses.replace(d, android_device_owner=True)
    ctx = NoteContext.for_device(d)
    assert N.ANDROID_11_DEVICE_OWNER_FACTORY_RESET in notes_at(PID.A, ctx)[10]


# --------------------------------------------------------------------------- on-device work


@pytest.mark.parametrize(
    ("work", "expected"),
    [
        (OnDeviceWork.NONE, ()),
        (OnDeviceWork.C, (PID.C,)),
        (OnDeviceWork.D, (PID.D,)),
        (OnDeviceWork.D_THEN_C, (PID.D, PID.C)),
        (OnDeviceWork.NOTHING_REACHES, ()),
    ],
)
def test_procedures_for_work(work, expected):
    assert procedures_for_work(work) == expected


def test_procedures_for_work_covers_every_work():
    for work in OnDeviceWork:
        assert set(procedures_for_work(work)) <= {PID.C, PID.D}


@pytest.mark.parametrize("platform", [Platform.IOS, Platform.IPADOS])
@pytest.mark.parametrize("remove", [False, True])
@pytest.mark.parametrize("dep_forbids", [False, True])
def test_apple_mdm_never_gets_d_and_hybrid_always_does(platform, remove, dep_forbids):
    flags = {"dep": dep_forbids, "dep_profile_removal_forbidden": dep_forbids}
    apple = make_device(platform=platform, enrollment=APPLE_MDM, **flags)
    hybrid = make_device(platform=platform, enrollment=HYBRID, **flags)
    assert PID.D not in procedures_for_work(on_device_work(apple, remove))
    assert procedures_for_work(on_device_work(hybrid, remove))[0] is PID.D
    # C exactly when the option is off
    assert (PID.C in procedures_for_work(on_device_work(apple, remove))) is (not remove)
    assert (PID.C in procedures_for_work(on_device_work(hybrid, remove))) is (not remove)


# --------------------------------------------------------------------------- the walker


@pytest.mark.parametrize("pid", list(ProcedureId))
@pytest.mark.parametrize("ctx", [GENERIC, NoteContext.for_device(make_device(os_version="12.1"))])
def test_the_walk_is_the_procedure_with_what_applies(pid, ctx):
    section = walk(pid, ctx)
    assert (section.id, section.position, section.title) == (pid, 1, get(pid).title)
    assert section.notes == intro_for(pid, ctx)
    assert section.steps == steps_for(pid, ctx)
    assert section.blocked is None


def test_a_blocked_procedure_keeps_its_notes_and_drops_its_steps():
    section = walk(PID.C, GENERIC, position=2, blocked=N.DEP_FORBIDS_DEVICE_REMOVAL)
    assert section.blocked is NOTES[N.DEP_FORBIDS_DEVICE_REMOVAL]
    assert section.steps == ()
    assert section.notes == intro_for(PID.C, GENERIC)
    assert section.position == 2


def test_walk_all_numbers_the_procedures_in_order_and_blocks_only_those_named():
    ctx = NoteContext.for_device(make_device(enrollment=HYBRID))
    d, c = walk_all((PID.D, PID.C), ctx, {PID.C: N.DEP_FORBIDS_DEVICE_REMOVAL})
    assert (d.id, d.position, d.blocked) == (PID.D, 1, None)
    assert d.steps == steps_for(PID.D, ctx)
    assert (c.id, c.position, c.steps) == (PID.C, 2, ())
    assert walk_all(()) == ()


def test_a_localized_text_picks_its_language():
    text = get(PID.A).title
    assert text.pick("ja") == "管理画面からインアクティベーションを実施する"
    assert text.pick("en") == "Bulk inactivation in the console"
