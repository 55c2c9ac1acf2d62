"""The device detail screen."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # detail
    "detail.id": ("端末ID", "Device id"),
    "detail.platform": ("プラットフォーム", "Platform"),
    "detail.model": ("機種", "Model"),
    "detail.phone": ("電話番号", "Phone number"),
    "detail.dep": ("DEP端末", "DEP device"),
    "detail.dep_forbids": ("MDMプロファイル削除の禁止", "MDM profile removal forbidden"),
    "detail.android_owner": ("Device Owner", "Device Owner"),
    "detail.silent_wlan": ("サイレント方式でWLAN設定", "Wi-Fi applied silently"),
    "detail.safari_restricted": ("Safariの制限", "Safari restricted"),
    "detail.none": ("なし", "none"),
    "detail.request_status": ("要求の状態", "Request status"),
    "detail.request_progress": ("この端末の進み具合", "This device's progress"),
    "detail.requested_at": ("登録日時", "Requested at"),
    "detail.close_hint": (
        "Esc で閉じる · w 端末側の作業",
        "Esc to close · w on-device steps",
    ),
    "request.scheduled": ("予約済み", "scheduled"),
    "request.in_progress": ("実行中", "in progress"),
    "request.completed": ("完了", "completed"),
    "request.cancelled": ("取り消し", "cancelled"),
    "progress.scheduled": ("予約済み", "scheduled"),
    "progress.pending": ("端末の応答待ち", "waiting for the device"),
    "progress.done": ("完了", "done"),
    "progress.superseded": ("強制インアクティベーション／削除済み", "forced or deleted"),
    "progress.cancelled": ("取り消し", "cancelled"),
}
