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
    # main screen
    "all_devices": ("すべての端末", "All devices"),
    "filter.placeholder": (
        "絞り込み（端末名・シリアル番号・ユーザー・電話番号）",
        "Filter (name, serial, user, phone)",
    ),
    "status.counts": (
        "選択 {checked} / 表示 {shown} / 全 {total} 台",
        "{checked} checked / {shown} shown / {total} total",
    ),
    "status.filter": ("絞り込み: {query}", "filter: {query}"),
    "status.only_checked": ("選択した端末のみ", "checked only"),
    "status.subgroups": ("サブグループを含む", "with subgroups"),
    "status.sort": ("並び順: {column} {arrow}", "sort: {column} {arrow}"),
    "notice.unchecked_deleted": (
        "選択していた {count} 台が他で削除されたため、選択を外しました。",
        "{count} checked device(s) were deleted elsewhere and lost their check mark.",
    ),
    "read_only": ("読み取り専用", "READ-ONLY"),
    "role.admin": ("管理者", "admin"),
    "role.operator": ("オペレーター", "operator"),
    "conn.connecting": ("接続中…", "connecting…"),
    "conn.syncing": ("同期中", "syncing"),
    "conn.connected": ("接続済み", "connected"),
    "conn.disconnected": ("切断", "disconnected"),
    # keys (Footer, help, command palette)
    "key.app.quit": ("終了", "quit"),
    "key.app.help": ("ヘルプ", "help"),
    "key.main.check_all": ("すべて選択", "check all"),
    "key.main.clear": ("解除", "clear"),
    "key.main.only_checked": ("選択のみ表示", "checked only"),
    "key.main.filter": ("絞り込み", "filter"),
    "key.main.menu": ("端末管理", "Device Mgmt"),
    "key.main.subgroups": ("サブグループ", "subgroups"),
    "key.main.sort": ("並び替え", "sort"),
    "key.main.reverse": ("逆順", "reverse"),
    "key.main.refresh": ("更新", "refresh"),
    "key.grid.check": ("選択", "check"),
    "key.grid.open": ("詳細", "detail"),
    "help.title": ("キー操作", "Keys"),
    "help.focus": ("サイドバーと端末一覧を移動", "move between sidebar and grid"),
    "help.open_group": ("（サイドバー）グループを開く", "(sidebar) open the group"),
    "help.move": ("カーソル移動", "move"),
    "help.check": ("カーソル位置の端末を選択／解除", "check / uncheck the device under the cursor"),
    "help.extend": ("移動しながら選択を広げる", "extend the check marks while moving"),
    "help.check_all": ("表示中の端末をすべて選択", "check every device shown (after the filter)"),
    "help.clear": ("絞り込みを解除、次に選択を解除", "clear the filter, then the check marks"),
    "help.only_checked": (
        "選択した端末のみ表示（切り替え）",
        "show only the checked devices (toggle)",
    ),
    "help.filter": (
        "入力しながら絞り込み（端末名・シリアル番号・ユーザー・電話番号）",
        "filter as you type (name, serial, user, phone)",
    ),
    "help.subgroups": ("サブグループの端末を含める（切り替え）", "include subgroups (toggle)"),
    "help.sort": ("並び替える列を切り替え／逆順", "next sort column / reverse the order"),
    "help.menu": ("「端末管理」メニューを開く", "open the 「端末管理」 action menu"),
    "help.detail": ("（端末一覧）端末の詳細", "(grid) device detail"),
    "help.refresh": ("今すぐ更新", "refresh now"),
    "help.palette": ("コマンドパレット", "command palette"),
    "help.help": ("このヘルプ", "this help"),
    "help.quit": ("終了（一括処理中は確認）", "quit (asks first if a bulk operation is running)"),
    # action menu
    "menu.checked": ("選択中の端末: {count} 台", "Checked devices: {count}"),
    "menu.reason.operator": (
        "オペレーターは実行できません",
        "operators cannot run destructive actions",
    ),
    "menu.reason.read_only": ("読み取り専用モード", "read-only mode"),
    "menu.reason.none_checked": ("端末が選択されていません", "no device is checked"),
    "menu.inactivate": ("一括インアクティベーション", "Bulk inactivation"),
    "menu.force_inactivate": ("一括強制インアクティベーション", "Bulk forced inactivation"),
    "menu.delete": ("端末一括削除", "Bulk device deletion"),
    "menu.not_yet": (
        "この操作の画面は、このバージョンにはまだありません。何も送信していません。",
        "This action's screen is not in this version yet. Nothing was sent.",
    ),
    # login
    "login.title": ("ログイン", "Log in"),
    "login.server": ("サーバー: {server}", "Server: {server}"),
    "login.account": ("アカウント: {account}", "Account: {account}"),
    "login.submit": ("ログイン", "Log in"),
    "login.expired": (
        "セッションの有効期限が切れました。もう一度ログインしてください。",
        "Your session expired. Please log in again.",
    ),
    "cancel": ("キャンセル", "Cancel"),
    "yes": ("はい", "Yes"),
    "no": ("いいえ", "No"),
    # first-run profile form
    "profile.title": ("接続先の設定", "Connection profile"),
    "profile.intro": (
        "接続するサーバーとアカウントを設定します。パスワードは保存しません（ログイン時に入力）。",
        "Set the server and account to connect to. The password is never stored: "
        "it is asked at login.",
    ),
    "profile.name": ("プロファイル名", "Profile name"),
    "profile.name.hint": ("例: prod", "e.g. prod"),
    "profile.base_url": ("サーバーのURL", "Server URL"),
    "profile.base_url.hint": ("https://…", "https://…"),
    "profile.account": ("アカウント", "Account"),
    "profile.account.hint": ("ログインするアカウント", "the account to log in as"),
    "profile.ca_bundle": ("CA証明書ファイル（任意）", "CA bundle file (optional)"),
    "profile.ca_bundle.hint": ("/path/to/ca.pem", "/path/to/ca.pem"),
    "profile.proxy": ("プロキシ（任意）", "Proxy (optional)"),
    "profile.proxy.hint": ("http://proxy:8080", "http://proxy:8080"),
    "profile.lang": ("表示言語", "Language"),
    "profile.save": ("保存", "Save"),
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
    "detail.close_hint": ("Esc で閉じる", "Esc to close"),
    "request.scheduled": ("予約済み", "scheduled"),
    "request.in_progress": ("実行中", "in progress"),
    "request.completed": ("完了", "completed"),
    "request.cancelled": ("取り消し", "cancelled"),
    "progress.scheduled": ("予約済み", "scheduled"),
    "progress.pending": ("端末の応答待ち", "waiting for the device"),
    "progress.done": ("完了", "done"),
    "progress.superseded": ("強制インアクティベーション／削除済み", "forced or deleted"),
    "progress.cancelled": ("取り消し", "cancelled"),
    # quitting
    "quit.title": ("終了", "Quit"),
    "quit.bulk_running": (
        "一括処理の実行中です。終了しても、次回起動時に再開できます。終了しますか？",
        "A bulk operation is running. It can be resumed at the next launch. Quit now?",
    ),
    # errors shown to the admin
    "error.title": ("エラー", "Error"),
    "error.unexpected": (
        "予期しないエラーが発生しました（{kind}）。",
        "An unexpected error occurred ({kind}).",
    ),
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
