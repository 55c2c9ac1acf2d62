"""Check the devices a server handed back against what the admin chose, before acting on them.

The client asks the server for "the devices of group G" or "device 123" and acts on what comes
back. An adapter in front of a tenant may ignore a filter (a 149-device group became 2,997
devices), answer for another id than the one asked, or hand out devices beyond the account's
group scope. So nothing the server sends is acted on until it is checked here against what the
admin actually chose: the chosen subtree (worked out from the group tree the client fetched),
the account's scope, and the ids asked for. Whatever fails is left out and named; it is never
acted on.

The same check guards a resumed operation: a device id of its plan that now names another
device (a numeric id handed out again after a deletion) is not sent again.

Pure Python: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from mobitui.domain.models import Device, Group


class StrayReason(StrEnum):
    """Why a device the server returned is not acted on."""

    #: Not in the chosen group (or its subgroups, with ``--subgroups``).
    OUTSIDE_GROUP = "outside_group"
    #: Outside the account's group scope.
    OUTSIDE_SCOPE = "outside_scope"
    #: Asked for one id, the server answered with another device.
    NOT_ASKED = "not_asked"
    #: The id of a planned device now names a device with another serial number (or one
    #: where it had none, or none where it had one).
    CHANGED_IDENTITY = "changed_identity"
    #: The plan recorded no serial for the id (a journal older than serials), and the device
    #: now listed under it has another name.
    CHANGED_NAME = "changed_name"
    #: The plan recorded neither a serial nor a name for the id: nothing says it is the same.
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Stray:
    """A device the server returned that the admin did not choose."""

    device: Device
    reason: StrayReason
    #: The id that was asked for (``NOT_ASKED``), the serial planned (``CHANGED_IDENTITY``,
    #: ``""`` when it had none) or the name planned (``CHANGED_NAME``).
    expected: str | None = None


class NotChosen(Exception):
    """Devices a run was about to act on are not what the admin chose: nothing was sent."""

    def __init__(self, strays: tuple[Stray, ...]) -> None:
        self.strays = strays
        super().__init__(f"{len(strays)} device(s) are not what was chosen")


def subtree(groups: Iterable[Group], roots: Iterable[str]) -> frozenset[str]:
    """``roots`` and every group below them in ``groups`` (a cycle cannot loop forever)."""
    children: dict[str | None, list[str]] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group.id)
    found: set[str] = set()
    stack = list(roots)
    while stack:
        group_id = stack.pop()
        if group_id in found:
            continue
        found.add(group_id)
        stack.extend(children.get(group_id, ()))
    return frozenset(found)


def scope_groups(groups: Iterable[Group], scope: Collection[str] | None) -> frozenset[str] | None:
    """The groups an account with ``scope`` may act in (``None``: the whole tenant)."""
    return None if scope is None else subtree(groups, scope)


@dataclass(frozen=True, slots=True)
class Checked:
    """The devices that passed, in the order given, and the ones left out with why."""

    kept: tuple[Device, ...]
    strays: tuple[Stray, ...]


def check(
    devices: Iterable[Device],
    *,
    groups: frozenset[str] | None = None,
    scope: frozenset[str] | None = None,
) -> Checked:
    """Keep the devices in ``groups`` (None: any) and in ``scope`` (None: the whole tenant)."""
    kept: list[Device] = []
    strays: list[Stray] = []
    for device in devices:
        if scope is not None and device.group_id not in scope:
            strays.append(Stray(device, StrayReason.OUTSIDE_SCOPE))
        elif groups is not None and device.group_id not in groups:
            strays.append(Stray(device, StrayReason.OUTSIDE_GROUP))
        else:
            kept.append(device)
    return Checked(tuple(kept), tuple(strays))


def asked(wanted: str, device: Device) -> Stray | None:
    """``GET /devices/{wanted}`` must answer with that device, not another."""
    return None if device.id == wanted else Stray(device, StrayReason.NOT_ASKED, wanted)


def same_devices(
    planned: Iterable[str],
    current: Iterable[Device],
    *,
    serials: Mapping[str, str],
    names: Mapping[str, str],
    scope: frozenset[str] | None = None,
) -> tuple[Stray, ...]:
    """The devices of a plan that are no longer those it planned.

    ``serials`` and ``names`` are what the plan recorded when it was confirmed
    (:class:`~mobitui.domain.operation.OperationSpec`). A planned device the server no longer
    lists is fine: the earlier run may have acted on it already, and only resending its batch
    under the same key says what happened. A listed one must be in ``scope`` and still be the
    device planned:

    - when the plan recorded a serial for the id, the device must carry that serial
      (compared case-insensitively, as serials are everywhere in mobitui); a recorded empty
      serial is a fact too, so a device that has one now is another device (a BYOD phone
      without a serial whose id was handed to a newly enrolled iPhone);
    - when it recorded none (a journal written before serials were), the device must carry
      the recorded name;
    - when it recorded neither, nothing says it is the same device: it is refused.
    """
    wanted = set(planned)
    strays: list[Stray] = []
    for device in current:
        if device.id not in wanted:
            continue
        if device.id in serials:
            serial = serials[device.id]
            if device.serial.casefold() != serial.casefold():
                strays.append(Stray(device, StrayReason.CHANGED_IDENTITY, serial))
                continue
        elif device.id in names:
            if device.name != names[device.id]:
                strays.append(Stray(device, StrayReason.CHANGED_NAME, names[device.id]))
                continue
        else:
            strays.append(Stray(device, StrayReason.UNVERIFIED))
            continue
        if scope is not None and device.group_id not in scope:
            strays.append(Stray(device, StrayReason.OUTSIDE_SCOPE))
    return tuple(strays)
