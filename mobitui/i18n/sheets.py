"""Instruction sheets: exporting them, and the sheet's own labels."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # exporting instruction sheets
    "export.title": ("指示書の書き出し", "Export instruction sheets"),
    "export.count": ("{count} 台分の指示書を書き出します。", "Sheets for {count} device(s)."),
    "export.directory": ("書き出し先のフォルダー", "Folder"),
    "export.languages": ("言語", "Languages"),
    "export.formats": ("形式", "Formats"),
    "export.lang.ja": ("日本語", "Japanese"),
    "export.lang.en": ("英語", "English"),
    "export.format.md": ("Markdown (.md)", "Markdown (.md)"),
    "export.format.txt": ("テキスト (.txt)", "Plain text (.txt)"),
    "export.write": ("書き出す", "Export"),
    "export.nothing": (
        "言語と形式を少なくとも1つずつ選んでください。",
        "Choose at least one language and one format.",
    ),
    "export.done": (
        "{count} 個のファイルを書き出しました: {directory}",
        "Wrote {count} file(s) to {directory}",
    ),
    "export.failed": ("書き出せません: {detail}", "Cannot write the sheets: {detail}"),
    # the instruction sheet itself
    "sheet.title": ("端末側の作業: {name}", "On-device steps: {name}"),
    "sheet.name": ("端末名", "Device"),
    "sheet.serial": ("シリアル番号", "Serial number"),
    "sheet.model": ("機種", "Model"),
    "sheet.os": ("OS", "OS"),
    "sheet.user": ("ユーザー", "User"),
    "sheet.request": ("インアクティベーション要求", "Inactivation request"),
    "sheet.none": (
        "この端末で必要な作業はありません。",
        "Nothing needs to be done on this device.",
    ),
    "sheet.nothing_reaches": (
        "この端末は強制インアクティベーションされました。端末には何も届いていません。"
        "端末側のプロファイルと制限は、端末を初期化するまで残ります。",
        "This device was force-inactivated: nothing reached it. Its profile and restrictions "
        "stay until it is reset.",
    ),
    "sheet.unknown": (
        "この端末にはインアクティベーション要求がないため、必要な作業は分かりません。",
        "This device has no inactivation request, so no on-device work is known.",
    ),
}
