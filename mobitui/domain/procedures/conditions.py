"""When a note applies: what is known about a device, and the conditions a note states.

A note about iOS 12.2 and earlier is noise on an iPhone running iOS 17, so each note carries a
:class:`Condition`, checked against a :class:`NoteContext` (one device, or nothing known at
all). Unknown facts never hide a note: the generic context ``NoteContext()`` (printing the whole
page) shows every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mobitui.domain.models import Device, Enrollment, Platform
from mobitui.domain.rules import major_version


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What is known about the device a procedure is shown for.

    ``None`` means unknown. The boolean device facts (``dep`` … ``android_device_owner``) are
    only known when the context names a device (a platform or an enrollment): the generic
    ``NoteContext()`` cannot say a device has no Safari restriction, so it shows that note.
    """

    platform: Platform | None = None
    os_version: str | None = None
    enrollment: Enrollment | None = None
    dep: bool = False
    dep_profile_removal_forbidden: bool = False
    silent_wlan: bool = False
    safari_restricted: bool = False
    #: Whether 「有効にする」 (remove the Apple MDM profile) is, or was, checked.
    remove_apple_mdm_profile: bool | None = None
    #: The permission 端末管理 → 端末削除 of the logged-in account.
    can_delete_devices: bool | None = None
    android_device_owner: bool = False

    @classmethod
    def for_device(
        cls,
        device: Device,
        remove_apple_mdm_profile: bool | None = None,
        can_delete_devices: bool | None = None,
    ) -> NoteContext:
        return cls(
            platform=device.platform,
            os_version=device.os_version,
            enrollment=device.enrollment,
            dep=device.dep,
            dep_profile_removal_forbidden=device.dep_profile_removal_forbidden,
            silent_wlan=device.silent_wlan,
            safari_restricted=device.safari_restricted,
            remove_apple_mdm_profile=remove_apple_mdm_profile,
            can_delete_devices=can_delete_devices,
            android_device_owner=device.android_device_owner,
        )

    @property
    def describes_device(self) -> bool:
        """True when the boolean device facts are facts, not defaults."""
        return self.platform is not None or self.enrollment is not None

    @property
    def version(self) -> tuple[int, ...] | None:
        """The parsed OS version, or ``None`` when missing or unparsable (unknown)."""
        if self.os_version is None:
            return None
        try:
            parsed = major_version(self.os_version)
        except ValueError:  # digit-like characters int() refuses, e.g. "17.4²"
            return None
        return None if parsed == (0,) else parsed


GENERIC = NoteContext()

#: iPadOS began at 13.1: an iPad reporting an earlier version runs iOS and follows iOS's rules.
_FIRST_IPADOS = (13, 1)


class Flag(StrEnum):
    """Boolean device facts a note can require; values are :class:`NoteContext` field names."""

    DEP = "dep"
    DEP_PROFILE_REMOVAL_FORBIDDEN = "dep_profile_removal_forbidden"
    SILENT_WLAN = "silent_wlan"
    SAFARI_RESTRICTED = "safari_restricted"
    ANDROID_DEVICE_OWNER = "android_device_owner"


@dataclass(frozen=True, slots=True)
class OsRange:
    """One platform's versions, both bounds inclusive.

    ``until`` is compared at its own precision: ``until=(12, 2)`` includes 12.2.1 (the page's
    「iOS12.2まで」), ``until=(14,)`` includes every 14.x (「15未満」).
    """

    platform: Platform
    since: tuple[int, ...] | None = None
    until: tuple[int, ...] | None = None

    def matches(self, platform: Platform | None, version: tuple[int, ...] | None) -> bool:
        if platform is not None and not self._covers(platform, version):
            return False
        if version is None:
            return True
        if self.since is not None and version < self.since:
            return False
        return self.until is None or version[: len(self.until)] <= self.until

    def _covers(self, platform: Platform, version: tuple[int, ...] | None) -> bool:
        if platform is self.platform:
            return True
        # An iPad on a version before iPadOS existed runs iOS (unknown version: assume it may).
        return (
            self.platform is Platform.IOS
            and platform is Platform.IPADOS
            and (version is None or version < _FIRST_IPADOS)
        )


def apple(
    since: tuple[int, ...] | None = None, until: tuple[int, ...] | None = None
) -> tuple[OsRange, ...]:
    """The same version range on iOS and iPadOS."""
    return (OsRange(Platform.IOS, since, until), OsRange(Platform.IPADOS, since, until))


APPLE_MOBILE = frozenset({Platform.IOS, Platform.IPADOS})


@dataclass(frozen=True, slots=True)
class Condition:
    """When a note applies: every given constraint must hold; an unknown fact never fails one.

    - ``platforms`` / ``enrollments``: the context's value is one of these (``None``: any);
    - ``os``: the platform and version fall in at least one range (empty: any);
    - ``flags``: each boolean device fact is true (skipped when no device is described);
    - ``remove_apple_mdm_profile`` / ``can_delete_devices``: the context has this value.
    """

    platforms: frozenset[Platform] | None = None
    enrollments: frozenset[Enrollment] | None = None
    os: tuple[OsRange, ...] = ()
    flags: frozenset[Flag] = frozenset()
    remove_apple_mdm_profile: bool | None = None
    can_delete_devices: bool | None = None

    def applies(self, ctx: NoteContext) -> bool:
        if self.platforms is not None and ctx.platform not in (None, *self.platforms):
            return False
        if self.enrollments is not None and ctx.enrollment not in (None, *self.enrollments):
            return False
        if self.os and not any(r.matches(ctx.platform, ctx.version) for r in self.os):
            return False
        if (
            self.flags
            and ctx.describes_device
            and not all(getattr(ctx, flag.value) for flag in self.flags)
        ):
            return False
        if not _same(self.remove_apple_mdm_profile, ctx.remove_apple_mdm_profile):
            return False
        return _same(self.can_delete_devices, ctx.can_delete_devices)


def _same(wanted: bool | None, known: bool | None) -> bool:
    return wanted is None or known is None or wanted == known


ALWAYS = Condition()
