"""Installing and configuring mobitui: the server extra, the debug log, settings.toml."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "setup.needs_server": (
        "mobitui {command}: 参照サーバーがインストールされていません。"
        "pip install 'mobitui[server]' でインストールしてください",
        "mobitui {command}: the reference server is not installed: pip install 'mobitui[server]'",
    ),
    "setup.help.debug": (
        "デバッグログ（サポート用、0600、パスワードとトークンは記録しません）を状態ディレクトリに"
        "書きます（MOBITUI_LOG=パス でも指定可）",
        "write a debug log for support (0600, never a password or token) to the state "
        "directory (or to MOBITUI_LOG=path)",
    ),
    "setup.debug_log": (
        "デバッグログ: {path}（パスワードとトークンは記録しません）",
        "Debug log: {path} (no passwords or tokens are written to it)",
    ),
    # {detail} names the file (the settings file's problem)
    "setup.settings_unreadable": (
        "{detail}（この設定ファイルは使わず、既定の設定で起動しました）",
        "{detail} (not used: started with the defaults)",
    ),
    "setup.theme_unknown": (
        "{path}: テーマ「{name}」はありません（無視しました）",
        "{path}: no theme named {name!r} (ignored)",
    ),
    "setup.keymap_invalid": (
        "{path}: [keymap] の無効な項目を無視しました: {entries}",
        "{path}: [keymap]: invalid entries ignored: {entries}",
    ),
    "setup.theme_not_saved": (
        "テーマを保存できません: {detail}",
        "Cannot save the theme: {detail}",
    ),
}
