"""Why OK is disabled (mobitui.domain.gate), the preflight's summary in words, and the step
numbers the dialogs read from the procedures: each as a unit, without a screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobitui.domain.gate import Blocker, Facts, blockers, count_matches, count_needed
from mobitui.domain.models import DeviceState, Outcome
from mobitui.domain.rules import (
    Delete,
    DeviceWarning,
    ForceInactivate,
    Inactivate,
    ScheduleProblem,
    preflight,
)
from mobitui.i18n import Catalogue
from mobitui.present.preflight import summary
from mobitui.present.words import blocker_text, plan_result
from tests.unit.test_rules import DEP_FORBIDS, NOW, android, device

W = DeviceWarning
B = Blocker

DEP = device(id="dep", **DEP_FORBIDS)
WIPE = android(id="wipe", android_device_owner=True, os_version="11")
PLAIN = device(id="plain")
GONE = device(id="gone", state=DeviceState.INACTIVE)


def ready(pf, **overrides) -> Facts:
    """Everything given: each test takes away what it is about."""
    fields = {
        "preflight": pf,
        "password_given": True,
        "agreed": True,
        "acknowledged": pf.to_acknowledge if pf is not None else {},
        "typed_count": "",
        "confirm_above": 100,
    }
    fields.update(overrides)
    return Facts(**fields)


# --------------------------------------------------------------------------- the gate


def test_everything_given_opens_the_gate() -> None:
    pf = preflight([DEP, WIPE, PLAIN], Inactivate(), NOW)
    assert blockers(ready(pf)) == ()


def test_every_reason_in_the_order_the_dialog_tells_them() -> None:
    pf = preflight([GONE], Inactivate(), NOW)
    facts = ready(
        pf,
        password_given=False,
        agreed=False,
        schedule=ScheduleProblem.IN_PAST,
        read_only=True,
        confirm_above=-1,
    )
    assert blockers(facts) == (
        B.READ_ONLY,
        B.NO_DEVICES,
        B.SCHEDULE_IN_PAST,
        B.COUNT,
        B.PASSWORD,
        B.AGREE,
    )


@pytest.mark.parametrize("problem", list(ScheduleProblem))
def test_each_schedule_problem_is_its_own_reason(problem: ScheduleProblem) -> None:
    pf = preflight([PLAIN], Inactivate(), NOW)
    assert blockers(ready(pf, schedule=problem)) == (Blocker(problem.value),)


def test_a_warning_is_acknowledged_for_exactly_its_devices() -> None:
    pf = preflight([DEP, WIPE, PLAIN], Inactivate(), NOW)
    assert pf.to_acknowledge == {
        W.DEP_PROFILE_REMOVAL_FORBIDDEN: frozenset({"dep"}),
        W.ANDROID_FACTORY_RESET: frozenset({"wipe"}),
    }
    assert set(pf.needs_acknowledgement) == {"dep", "wipe"}
    assert blockers(ready(pf, acknowledged={})) == (B.ACKNOWLEDGE,)
    one = {W.DEP_PROFILE_REMOVAL_FORBIDDEN: frozenset({"dep"})}
    assert blockers(ready(pf, acknowledged=one)) == (B.ACKNOWLEDGE,)
    # Acknowledged for other devices (the fleet changed since): not what the admin agreed to.
    other = {**pf.to_acknowledge, W.ANDROID_FACTORY_RESET: frozenset({"wipe", "wipe2"})}
    assert blockers(ready(pf, acknowledged=other)) == (B.ACKNOWLEDGE,)


def test_turning_the_option_on_removes_the_dep_warning_to_acknowledge() -> None:
    pf = preflight([DEP], Inactivate(remove_apple_mdm_profile=True), NOW)
    assert pf.to_acknowledge == {}
    assert blockers(ready(pf, acknowledged={})) == ()


def test_the_count_is_typed_only_above_the_threshold() -> None:
    pf = preflight([PLAIN, device(id="p2"), device(id="p3")], Inactivate(), NOW)
    assert not count_needed(pf, 3)
    assert count_needed(pf, 2)
    assert blockers(ready(pf, confirm_above=3)) == ()
    assert blockers(ready(pf, confirm_above=2)) == (B.COUNT,)
    assert blockers(ready(pf, confirm_above=2, typed_count="4")) == (B.COUNT,)
    assert blockers(ready(pf, confirm_above=2, typed_count=" 3 ")) == ()


@pytest.mark.parametrize(
    ("typed", "count", "ok"),
    [("1,200", 1200, True), ("1 200", 1200, True), ("1200", 1200, True), ("120", 1200, False)],
)
def test_count_matches(typed: str, count: int, ok: bool) -> None:
    assert count_matches(typed, count) is ok


def test_deleting_needs_the_permission() -> None:
    deletion = preflight([GONE], Delete(), NOW)
    assert blockers(ready(deletion, can_delete=False)) == (B.NO_DELETE_PERMISSION,)
    forced = preflight([PLAIN], ForceInactivate(delete_after=True), NOW)
    assert blockers(ready(forced, can_delete=False)) == (B.NO_DELETE_PERMISSION,)
    kept = preflight([PLAIN], ForceInactivate(), NOW)
    assert blockers(ready(kept, can_delete=False)) == ()


def test_resuming_asks_only_the_password_and_the_agreement() -> None:
    assert blockers(ready(None)) == ()
    assert blockers(ready(None, password_given=False, agreed=False)) == (B.PASSWORD, B.AGREE)
    assert blockers(ready(None, read_only=True)) == (B.READ_ONLY,)


def test_forcing_a_device_seen_recently_must_be_acknowledged() -> None:
    recent = device(id="recent", last_seen_at=NOW - timedelta(minutes=5))
    pf = preflight([recent], ForceInactivate(), NOW)
    assert blockers(ready(pf, acknowledged={})) == (B.ACKNOWLEDGE,)
    assert blockers(ready(pf)) == ()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_reason_has_words(lang: str) -> None:
    t = Catalogue(lang)
    for blocker in Blocker:
        assert blocker_text(t, blocker, NOW)
    assert blocker_text(Catalogue("en"), B.AGREE, NOW) == "「同意する」 not ticked"
    assert "server time" in blocker_text(Catalogue("en"), B.SCHEDULE_IN_PAST, NOW)


# --------------------------------------------------------------------------- acted on


def test_acted_on_is_one_rule_for_the_plan_and_the_preflight() -> None:
    pf = preflight([GONE, PLAIN], ForceInactivate(delete_after=True), NOW)
    gone, plain = pf.plans
    assert gone.outcome is Outcome.SKIPPED and gone.will_delete and gone.acted_on
    assert plain.acted_on
    assert pf.acted_on == (gone, plain) and pf.not_acted_on == ()
    kept = preflight([GONE], ForceInactivate(), NOW)
    assert not kept.plans[0].acted_on and kept.not_acted_on == kept.plans


@pytest.mark.parametrize(
    "action", [Inactivate(), ForceInactivate(), ForceInactivate(delete_after=True), Delete()]
)
def test_what_a_plan_comes_to_agrees_with_acted_on(action) -> None:
    for plan in preflight([GONE, PLAIN, DEP], action, NOW).plans:
        result = plan_result(plan)
        assert plan.acted_on is (result in (Outcome.ACCEPTED, Outcome.DELETED))
    gone = preflight([GONE], ForceInactivate(delete_after=True), NOW).plans[0]
    assert plan_result(gone) is Outcome.DELETED


# --------------------------------------------------------------------------- summary


def test_the_summary_says_what_the_action_would_do() -> None:
    t = Catalogue("en")
    pf = preflight([DEP, GONE], Inactivate(), NOW)
    said = summary(t, pf, {"dep": "iPad of Sato"})
    assert said.lines == (
        "2 checked: 1 to act on / 1 left alone",
        "Jobs cancelled when it executes: 0",
        "On-device work: " + t("work.C") + " × 1",
    )
    assert said.nothing_to_do is None
    assert [w for w, _ in said.warnings] == [W.DEP_PROFILE_REMOVAL_FORBIDDEN]
    assert "iPad of Sato" in said.warnings[0][1]


def test_the_summary_of_a_deletion_has_no_jobs_nor_work_and_says_when_nothing_is_done() -> None:
    t = Catalogue("en")
    said = summary(t, preflight([PLAIN], Delete(), NOW), {})
    assert said.lines == ("1 checked: 0 to act on / 1 left alone",)
    assert said.nothing_to_do == t("action.nothing_to_do")
    assert said.warnings == ()


# --------------------------------------------------------------------------- step numbers


def test_the_dialogs_read_their_step_numbers_from_the_procedures() -> None:
    from mobitui.domain.procedures import ProcedureId
    from mobitui.tui.screens.bulk.deletion import DeletionScreen
    from mobitui.tui.screens.bulk.dialog import Field, step_naming
    from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
    from mobitui.tui.screens.bulk.inactivation import InactivationScreen

    f = Field
    assert dict(InactivationScreen.STEPS) == {
        f.OPEN: 5,
        f.REMOVE_PROFILE: 6,
        f.SCHEDULE: 7,
        f.PASSWORD: 8,
        f.AGREE: 9,
        f.OK: 10,
    }
    assert sorted(InactivationScreen.STEPS_COVERED) == list(range(5, 12))
    assert dict(ForcedInactivationScreen.STEPS) == {
        f.OPEN: 5,
        f.DELETE_AFTER: 6,
        f.PASSWORD: 7,
        f.AGREE: 8,
        f.OK: 9,
    }
    assert sorted(ForcedInactivationScreen.STEPS_COVERED) == list(range(5, 10))
    assert dict(DeletionScreen.STEPS) == {f.OPEN: 5, f.PASSWORD: 6, f.AGREE: 7, f.OK: 8}
    assert sorted(DeletionScreen.STEPS_COVERED) == list(range(5, 10))
    with pytest.raises(ValueError, match="0 steps"):
        step_naming(ProcedureId.E, "「予約日時を設定する」")
