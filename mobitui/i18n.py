"""The message catalogue: every visible string, in Japanese and English, by stable key.

Japanese labels use the exact terms of the vendor's help page (shared/reference/procedure.md),
so an admin trained on the web console recognises every word. English is the fallback.
Language choice: ``--lang``, else the profile, else ``LANG`` (``ja_*`` → Japanese), else
English — see :func:`choose_lang`.

Step texts of the documented procedures are not here: they live with their step numbers in
``mobitui.domain.procedures``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from mobitui.domain.models import DeviceState, Enrollment, Platform

Lang = Literal["ja", "en"]

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: Mapping[str, tuple[str, str]] = {
    # the console's own terms
    "device_management": ("端末管理", "Device Management"),
    "group": ("グループ", "Group"),
    "bulk_inactivation": ("一括インアクティベーション", "Bulk inactivation"),
    "bulk_forced_inactivation": ("一括強制インアクティベーション", "Bulk forced inactivation"),
    "bulk_deletion": ("端末一括削除", "Bulk device deletion"),
    "inactivation_request": ("インアクティベーション要求", "Inactivation request"),
    "remove_apple_mdm_profile": ("Apple MDMプロファイル削除", "Remove Apple MDM profile"),
    "enable": ("有効にする", "Enable"),
    "schedule": ("スケジュール", "Schedule"),
    "set_schedule": ("予約日時を設定する", "Set a date and time"),
    "password": ("パスワード", "Password"),
    "agree": ("同意する", "I agree"),
    "ok": ("OK", "OK"),
    "delete": ("削除", "Delete"),
    "close": ("閉じる", "Close"),
    "delete_after_force": ("有効", "Enabled"),
    "job": ("ジョブ", "Job"),
    # device states and methods
    "state.active": ("有効", "Active"),
    "state.inactivation_pending": ("インアクティベーション要求中", "Inactivation pending"),
    "state.inactive": ("無効", "Inactive"),
    "enrollment.apple_mdm": ("Apple MDM方式", "Apple MDM"),
    "enrollment.hybrid_mdm": ("Hybrid MDM", "Hybrid MDM"),
    "enrollment.client_app": ("クライアントアプリ", "Client app"),
    "platform.ios": ("iOS", "iOS"),
    "platform.ipados": ("iPadOS", "iPadOS"),
    "platform.android": ("Android", "Android"),
    "platform.windows": ("Windows", "Windows"),
    "platform.macos": ("macOS", "macOS"),
    # errors shown to the admin
    "error.unreachable": (
        "サーバーに接続できません: {detail}",
        "Cannot reach the server: {detail}",
    ),
    "error.invalid_credentials": (
        "アカウントまたはパスワードが正しくありません。",
        "Wrong account or password.",
    ),
    "error.config": (
        "設定ファイルを読めません: {detail}",
        "Cannot read the configuration: {detail}",
    ),
}


class Catalogue:
    """Messages in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self._index = 0 if lang == "ja" else 1

    def __call__(self, key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            raise KeyError(f"no message {key!r}")
        text = pair[self._index]
        return text.format(**values) if values else text

    def state(self, state: DeviceState) -> str:
        return self(f"state.{state.value}")

    def enrollment(self, enrollment: Enrollment) -> str:
        return self(f"enrollment.{enrollment.value}")

    def platform(self, platform: Platform) -> str:
        return self(f"platform.{platform.value}")


def choose_lang(cli: str | None, profile: str | None, environ: Mapping[str, str]) -> Lang:
    """``--lang``, else the profile's language, else the locale (``ja_*``), else English."""
    for choice in (cli, profile):
        if choice in ("ja", "en"):
            return choice  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
