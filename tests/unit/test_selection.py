"""The checks between what a server returned and what the admin chose (pure, no server)."""

from __future__ import annotations

from mobitui.domain.models import Group
from mobitui.domain.selection import (
    StrayReason,
    asked,
    check,
    same_devices,
    scope_groups,
    subtree,
)
from tests.unit.test_rules import device

TREE = [
    Group("g1", None, "本社", 0),
    Group("g2", "g1", "営業部", 0),
    Group("g3", "g2", "第一営業課", 0),
    Group("g4", None, "大阪支店", 0),
]


def test_a_subtree_holds_its_descendants_and_survives_a_cycle() -> None:
    assert subtree(TREE, ["g2"]) == {"g2", "g3"}
    assert subtree(TREE, ["g1", "g4"]) == {"g1", "g2", "g3", "g4"}
    looped = [Group("a", "b", "a", 0), Group("b", "a", "b", 0)]
    assert subtree(looped, ["a"]) == {"a", "b"}
    assert scope_groups(TREE, None) is None
    assert scope_groups(TREE, ["g2"]) == {"g2", "g3"}


def test_devices_outside_the_group_or_the_scope_are_strays() -> None:
    inside = device(id="d1", group_id="g3")
    elsewhere = device(id="d2", group_id="g4")
    beyond = device(id="d3", group_id="g1")
    checked = check(
        [inside, elsewhere, beyond], groups=subtree(TREE, ["g2"]), scope=subtree(TREE, ["g2", "g4"])
    )
    assert checked.kept == (inside,)
    assert [(s.device.id, s.reason) for s in checked.strays] == [
        ("d2", StrayReason.OUTSIDE_GROUP),
        ("d3", StrayReason.OUTSIDE_SCOPE),
    ]
    assert check([inside, elsewhere]).kept == (inside, elsewhere)


def test_an_answer_must_be_the_device_asked_for() -> None:
    assert asked("d1", device(id="d1")) is None
    stray = asked("d1", device(id="d9"))
    assert stray is not None and stray.reason is StrayReason.NOT_ASKED and stray.expected == "d1"


def test_a_plan_s_ids_must_still_name_its_devices() -> None:
    serials = {"d1": "SER1", "d2": "SER2", "d4": "SER4"}
    current = [
        device(id="d1", serial="ser1"),  # the same, whatever the case
        device(id="d2", serial="OTHER"),  # handed out again
        device(id="d5", serial="SER5"),  # not planned: none of the plan's business
        device(id="d4", serial="SER4", group_id="g4"),
    ]
    strays = same_devices(
        ["d1", "d2", "d4"], current, serials=serials, names={}, scope=frozenset({"g1"})
    )
    assert [(s.device.id, s.reason, s.expected) for s in strays] == [
        ("d2", StrayReason.CHANGED_IDENTITY, "SER2"),
        ("d4", StrayReason.OUTSIDE_SCOPE, None),
    ]
    # a planned device no longer listed (deleted by the run whose answer was lost) is fine
    assert same_devices(["gone"], [], serials={"gone": "SER"}, names={}) == ()


def test_a_recorded_empty_serial_is_a_fact_and_old_plans_compare_names() -> None:
    """A BYOD phone planned without a serial, whose id now names an iPhone with one, is
    another device; a journal from before serials were recorded compares the name; one that
    recorded neither cannot say it is the same device."""
    current = [
        device(id="byod", serial="NEW-OWNER"),
        device(id="still", serial=""),
        device(id="old-same", name="佐藤のiPhone", serial="X1"),
        device(id="old-other", name="別の端末", serial="X2"),
        device(id="blank", serial="X3"),
    ]
    strays = same_devices(
        ["byod", "still", "old-same", "old-other", "blank"],
        current,
        serials={"byod": "", "still": ""},
        names={"old-same": "佐藤のiPhone", "old-other": "田中のiPhone"},
    )
    assert [(s.device.id, s.reason, s.expected) for s in strays] == [
        ("byod", StrayReason.CHANGED_IDENTITY, ""),
        ("old-other", StrayReason.CHANGED_NAME, "田中のiPhone"),
        ("blank", StrayReason.UNVERIFIED, None),
    ]
