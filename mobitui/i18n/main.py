"""The main screen: sidebar, grid, header, status line, quitting."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
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
    "jump.placeholder": ("グループ名で移動", "Go to group"),
    "jump.none": (
        "「{query}」を含むグループはありません。",
        "No group name contains “{query}”.",
    ),
    "status.filter": ("絞り込み: {query}", "filter: {query}"),
    "status.only_checked": ("選択した端末のみ", "checked only"),
    "status.subgroups": ("サブグループを含む", "with subgroups"),
    "status.sort": ("並び順: {column} {arrow}", "sort: {column} {arrow}"),
    "notice.still_loading": (
        "端末一覧を読み込み中です。読み込みが終わってから操作してください。",
        "The device list is still loading: actions wait until it is complete.",
    ),
    "notice.unchecked_deleted": (
        "選択していた {count} 台が他で削除されたため、選択を外しました。",
        "{count} checked device(s) were deleted elsewhere and lost their check mark.",
    ),
    "notice.cleared": (
        "選択を解除しました（{count} 台、u で元に戻す）",
        "Cleared {count} check mark(s) (u to undo)",
    ),
    "notice.restored": ("選択を元に戻しました（{count} 台）", "Restored {count} check mark(s)"),
    "notice.nothing_to_undo": ("元に戻す選択はありません。", "No cleared selection to restore."),
    "notice.copied_serial": (
        "シリアル番号をコピーしました: {text}",
        "Copied the serial: {text}",
    ),
    "notice.copied_id": ("端末 ID をコピーしました: {text}", "Copied the device id: {text}"),
    # the column chooser (c)
    "columns.title": ("表示する列", "Columns shown"),
    "columns.hint": (
        "Space で表示／非表示、Enter で決定、Esc で取り消し。"
        "狭い画面では優先度の低い列から省かれます。",
        "Space shows / hides, Enter applies, Esc cancels. A narrow terminal drops the least "
        "important columns first.",
    ),
    "read_only": ("読み取り専用", "READ-ONLY"),
    "role.admin": ("管理者", "admin"),
    "role.operator": ("オペレーター", "operator"),
    "conn.connecting": ("接続中…", "connecting…"),
    "conn.syncing": ("同期中", "syncing"),
    "conn.connected": ("接続済み", "connected"),
    "conn.disconnected": ("切断", "disconnected"),
    # quitting
    "quit.title": ("終了", "Quit"),
    "quit.bulk_running": (
        "一括処理の実行中です。終了しても、次回起動時に再開できます。終了しますか？",
        "A bulk operation is running. It can be resumed at the next launch. Quit now?",
    ),
}
