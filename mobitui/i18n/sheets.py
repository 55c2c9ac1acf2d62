"""Exporting instruction sheets."""

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
}
