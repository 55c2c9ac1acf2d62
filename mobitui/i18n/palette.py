"""Textual's own words, said in the admin's language: the command palette (its placeholder,
"no matches", its keys, the system commands) and the ctrl+c toast."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "palette.placeholder": ("コマンドを検索…", "Search for commands…"),
    "palette.no_matches": ("一致するコマンドはありません", "No matches found"),
    "palette.key.escape": ("閉じる", "Close the palette"),
    "palette.key.down": ("次のコマンド", "Next command"),
    "palette.key.up": ("前のコマンド", "Previous command"),
    "palette.key.first": ("先頭へ", "Go to top"),
    "palette.key.last": ("末尾へ", "Go to bottom"),
    "palette.key.page_down": ("次のページ", "Next page"),
    "palette.key.page_up": ("前のページ", "Previous page"),
    "palette.themes": ("テーマを検索…", "Search for themes…"),
    "palette.theme": ("テーマ", "Theme"),
    "palette.theme.help": (
        "画面の配色を変えます（次回も使います）",
        "change the colours (kept for next time)",
    ),
    "palette.quit": ("終了", "Quit"),
    "palette.quit.help": (
        "mobitui を終了します（一括処理の実行中は確認します）",
        "quit mobitui (asks first while a bulk run is in flight)",
    ),
    "palette.maximize": ("最大化", "Maximize"),
    "palette.maximize.help": (
        "フォーカスのある部分を画面いっぱいに表示します",
        "show the focused part on the whole screen",
    ),
    "palette.minimize": ("元のサイズに戻す", "Minimize"),
    "palette.minimize.help": (
        "最大化した部分を元のサイズに戻します",
        "give the maximized part its normal size again",
    ),
    "quit.ctrl_c.title": ("終了しますか?", "Do you want to quit?"),
    "quit.ctrl_c": (
        "終了するには {keys} を押してください。",
        "Press {keys} to quit mobitui.",
    ),
}
