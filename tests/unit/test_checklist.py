"""Which on-device procedures and notes each device gets, for every combination that matters.

The expected answer is written out here from procedure.md, independently of the rules module:
enrollment × 「有効にする」 × DEP-forbids-removal × Safari restricted × a spread of iOS
versions. Then the checklist's progress: ticks, the 8-minute countdown, the failure path.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from mobitui.domain.checklist import (
    DOWNLOADED,
    EXPIRY,
    INSTALLED,
    ChecklistProgress,
    all_steps,
    blocked,
    needed_work,
    on_device_walk,
    sections,
)
from mobitui.domain.models import (
    DeviceState,
    Enrollment,
    InactivationRef,
    ItemProgress,
    RequestStatus,
    WireError,
)
from mobitui.domain.procedures import NoteContext, NoteId, ProcedureId, intro_for, steps_for
from mobitui.domain.rules import OnDeviceWork, on_device_work
from tests.unit.test_rules import device

P = ProcedureId
N = NoteId
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
VERSIONS = ("12.1", "12.2", "13.0", "13.1", "14.8", "15.0", "17.4")
ENROLLMENTS = (Enrollment.APPLE_MDM, Enrollment.HYBRID_MDM, Enrollment.CLIENT_APP)


def expected_procedures(enrollment: Enrollment, remove: bool) -> tuple[ProcedureId, ...]:
    """procedure.md, "Which on-device work a device needs (derived)"."""
    if enrollment is Enrollment.APPLE_MDM:
        return () if remove else (P.C,)
    if enrollment is Enrollment.HYBRID_MDM:
        return (P.D,) if remove else (P.D, P.C)
    return ()


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def expected_notes(
    pid: ProcedureId, enrollment: Enrollment, safari: bool, os_version: str
) -> set[NoteId]:
    """Every note of ``pid`` (intro and steps) that applies to an iPhone with these facts."""
    v = version(os_version)
    if pid is P.C:
        notes = {N.APPLE_MDM_PROFILE_LOCATION}
        if v >= (15,):
            notes.add(N.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL)  # step 2's newer label
        return notes
    assert pid is P.D and enrollment is Enrollment.HYBRID_MDM
    notes = {
        N.D_PURPOSE,
        N.NOTIFICATION_FROM_LOCK_SCREEN,
        N.APP_OPENS_SETTINGS_ONLY,  # iOS 8 and later: every version here
        N.INCORRECT_PASSWORD_TIP,
        N.PROFILE_EXPIRES_8_MINUTES,
        N.PASSCODE_PROMPT,
        N.INSTALL_CANCELLED_RECOVERY,
    }
    if v <= (12, 2):
        notes.add(N.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS)
    if v < (15,):
        notes.add(N.BEFORE_IOS_15_PROFILE_LABEL)
    if safari:
        notes.add(N.SAFARI_RESTRICTED)
    return notes


COMBOS = list(itertools.product(ENROLLMENTS, (False, True), (False, True), (False, True), VERSIONS))


@pytest.mark.parametrize(("enrollment", "remove", "dep_forbids", "safari", "os_version"), COMBOS)
def test_procedures_and_notes_for_every_combination(
    enrollment: Enrollment, remove: bool, dep_forbids: bool, safari: bool, os_version: str
) -> None:
    d = device(
        enrollment=enrollment,
        os_version=os_version,
        dep=dep_forbids,
        dep_profile_removal_forbidden=dep_forbids,
        safari_restricted=safari,
    )
    work = on_device_work(d, remove)
    assert sections(work) == expected_procedures(enrollment, remove)
    assert P.D not in sections(work) or enrollment is Enrollment.HYBRID_MDM  # never for Apple MDM
    ctx = NoteContext.for_device(d, remove_apple_mdm_profile=remove)
    for pid in sections(work):
        shown = {n.id for n in intro_for(pid, ctx)}
        shown |= {n.id for step in steps_for(pid, ctx) for n in step.notes}
        assert shown == expected_notes(pid, enrollment, safari, os_version), pid
    # C is impossible on a DEP device that forbids removal: said instead of steps.
    impossible = dep_forbids and P.C in sections(work)
    assert blocked(d, work) == ({P.C: N.DEP_FORBIDS_DEVICE_REMOVAL} if impossible else {})


def _ref(progress: ItemProgress, status: RequestStatus = RequestStatus.IN_PROGRESS, remove=False):
    return InactivationRef("r1", status, progress, remove, None, NOW)


@pytest.mark.parametrize(
    ("inactivation", "expected"),
    [
        (None, None),  # no request: nothing known
        (_ref(ItemProgress.PENDING), OnDeviceWork.D_THEN_C),
        (_ref(ItemProgress.PENDING, remove=True), OnDeviceWork.D),
        (_ref(ItemProgress.DONE, RequestStatus.COMPLETED), OnDeviceWork.D_THEN_C),
        (_ref(ItemProgress.SCHEDULED, RequestStatus.SCHEDULED), OnDeviceWork.D_THEN_C),
        (_ref(ItemProgress.SUPERSEDED), OnDeviceWork.NOTHING_REACHES),  # forced: nothing sent
        (_ref(ItemProgress.CANCELLED, RequestStatus.CANCELLED), None),
    ],
)
def test_the_work_follows_the_latest_request(inactivation, expected) -> None:
    d = device(enrollment=Enrollment.HYBRID_MDM, inactivation=inactivation)
    assert needed_work(d) is expected


def test_forced_devices_get_no_steps() -> None:
    assert sections(OnDeviceWork.NOTHING_REACHES) == ()
    assert all_steps(OnDeviceWork.NOTHING_REACHES) == ()


# --------------------------------------------------------------------------- progress


def test_ticks_count_down_eight_minutes_from_the_download_and_stop_at_install() -> None:
    progress = ChecklistProgress()
    assert progress.remaining(NOW) is None
    assert progress.next_step(OnDeviceWork.D) == (P.D, 1)
    progress.tick((P.D, 1), NOW)
    assert progress.tick(DOWNLOADED, NOW) is True
    assert progress.remaining(NOW + timedelta(minutes=3)) == timedelta(minutes=5)
    assert not progress.expired(NOW + EXPIRY - timedelta(seconds=1))
    assert progress.expired(NOW + EXPIRY)
    assert progress.remaining(NOW + timedelta(hours=1)) == timedelta(0)
    progress.tick(INSTALLED, NOW)
    assert progress.remaining(NOW + timedelta(hours=1)) is None  # installed: no countdown


def test_an_expired_download_starts_procedure_d_again() -> None:
    progress = ChecklistProgress()
    for step in (1, 2, 3, 4):
        progress.tick((P.D, step), NOW)
    progress.tick((P.C, 1), NOW)
    progress.restart_download()
    assert progress.ticked == {(P.C, 1)}
    assert progress.downloaded_at is None
    assert progress.next_step(OnDeviceWork.D_THEN_C) == (P.D, 1)


def test_unticking_the_download_stops_the_countdown() -> None:
    progress = ChecklistProgress()
    progress.tick(DOWNLOADED, NOW)
    assert progress.tick(DOWNLOADED, NOW) is False
    assert progress.remaining(NOW) is None


def test_done_means_every_step_of_every_section() -> None:
    progress = ChecklistProgress()
    for tick in all_steps(OnDeviceWork.D_THEN_C)[:-1]:
        progress.tick(tick, NOW)
    assert not progress.done(OnDeviceWork.D_THEN_C)
    progress.tick(all_steps(OnDeviceWork.D_THEN_C)[-1], NOW)
    assert progress.done(OnDeviceWork.D_THEN_C)
    assert len(all_steps(OnDeviceWork.D_THEN_C)) == 14 + 5
    assert ChecklistProgress().done(OnDeviceWork.NONE)


def test_progress_round_trips_and_refuses_garbage() -> None:
    progress = ChecklistProgress(failed=True)
    progress.tick((P.D, 1), NOW)
    progress.tick(DOWNLOADED, NOW)
    assert ChecklistProgress.from_json(progress.to_json()) == progress
    with pytest.raises(WireError, match="not a step"):
        ChecklistProgress.from_json({"ticked": ["X:1"]})
    with pytest.raises(WireError, match="downloaded_at"):
        ChecklistProgress.from_json({"ticked": [], "downloaded_at": 5})


def test_a_pending_state_does_not_change_the_needed_work() -> None:
    d = device(
        enrollment=Enrollment.APPLE_MDM,
        state=DeviceState.INACTIVATION_PENDING,
        inactivation=_ref(ItemProgress.PENDING),
    )
    assert needed_work(d) is OnDeviceWork.C


def test_the_on_device_walk_is_this_devices_procedures_with_what_applies() -> None:
    """What the checklist and the sheet both show: the work's procedures in order, walked for
    this device and option, and C blocked (its steps gone) where DEP forbids removing it."""
    hybrid = device(enrollment=Enrollment.HYBRID_MDM, os_version="12.1")
    ctx = NoteContext.for_device(hybrid, remove_apple_mdm_profile=False)
    d, c = on_device_walk(hybrid, OnDeviceWork.D_THEN_C, False)
    assert [(s.id, s.position) for s in (d, c)] == [(ProcedureId.D, 1), (ProcedureId.C, 2)]
    assert d.steps == steps_for(ProcedureId.D, ctx) and d.notes == intro_for(ProcedureId.D, ctx)
    assert c.blocked is None and c.steps == steps_for(ProcedureId.C, ctx)

    dep = device(dep=True, dep_profile_removal_forbidden=True)
    (only,) = on_device_walk(dep, OnDeviceWork.C, False)
    assert only.blocked is not None and only.blocked.id is NoteId.DEP_FORBIDS_DEVICE_REMOVAL
    assert only.steps == ()
    assert on_device_walk(dep, None, None) == on_device_walk(dep, OnDeviceWork.NONE, None) == ()
