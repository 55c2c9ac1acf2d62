"""The console's own terms: device states, enrollment methods, platforms, grid columns."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
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
    # grid columns
    "col.check": ("✓", "✓"),
    "col.name": ("端末名", "Name"),
    "col.os": ("OS", "OS"),
    "col.state": ("状態", "State"),
    "col.enrollment": ("登録方式", "Enrollment"),
    "col.user": ("ユーザー", "User"),
    "col.serial": ("シリアル番号", "Serial"),
    "col.last_seen": ("最終通信", "Last seen"),
    "col.jobs": ("ジョブ", "Jobs"),
}
