"""Key descriptions (footer, help, command palette), by binding id: ``key.<id>``."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # keys (Footer, help, command palette)
    "key.app.quit": ("終了", "quit"),
    "key.app.help": ("ヘルプ", "help"),
    "key.main.check_all": ("すべて選択", "check all"),
    "key.main.clear": ("解除", "clear"),
    "key.main.only_checked": ("選択のみ表示", "checked only"),
    "key.main.filter": ("絞り込み", "filter"),
    "key.main.jump": ("グループへ移動", "go to group"),
    "key.main.menu": ("端末管理", "Device Mgmt"),
    "key.main.subgroups": ("サブグループ", "subgroups"),
    "key.main.sort": ("並び替え", "sort"),
    "key.main.reverse": ("逆順", "reverse"),
    "key.main.refresh": ("更新", "refresh"),
    "key.grid.check": ("選択", "check"),
    "key.grid.open": ("詳細", "detail"),
    "key.grid.copy_serial": ("シリアル番号をコピー", "copy serial"),
    "key.grid.copy_id": ("端末 ID をコピー", "copy id"),
    "key.main.sidebar": ("サイドバー", "sidebar"),
    "key.main.columns": ("列", "columns"),
    "key.main.undo": ("選択を戻す", "undo clear"),
    "key.app.palette": ("コマンド", "commands"),
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
    "help.jump": (
        "グループ名の一部を入力して移動（↓↑ 次／前の候補、Enter で開く、Esc で戻る）",
        "go to a group by typing part of its name (↓↑ next / previous, Enter opens, Esc back)",
    ),
    "help.subgroups": ("サブグループの端末を含める（切り替え）", "include subgroups (toggle)"),
    "help.sort": ("並び替える列を切り替え／逆順", "next sort column / reverse the order"),
    "help.menu": ("「端末管理」メニューを開く", "open the 「端末管理」 action menu"),
    "help.detail": ("（端末一覧）端末の詳細", "(grid) device detail"),
    "help.refresh": ("今すぐ更新", "refresh now"),
    "help.sidebar": ("サイドバーを隠す／表示（切り替え）", "hide / show the sidebar (toggle)"),
    "help.columns": ("表示する列を選ぶ", "choose the columns shown"),
    "help.undo": ("Esc で解除した選択を元に戻す", "restore the check marks Esc cleared"),
    "help.copy": (
        "カーソル位置の端末のシリアル番号／端末 ID をコピー（OSC 52）",
        "copy the serial / id of the device under the cursor (OSC 52)",
    ),
    "help.close": (
        "Esc・q・? で閉じる　↑↓ PgUp PgDn でスクロール",
        "Esc, q or ? closes · ↑↓ PgUp PgDn scroll",
    ),
    "help.palette": ("コマンドパレット", "command palette"),
    "help.help": ("このヘルプ", "this help"),
    "help.quit": ("終了（一括処理中は確認）", "quit (asks first if a bulk operation is running)"),
}
