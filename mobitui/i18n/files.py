"""CSV in and out."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # CSV in and out
    "csv.import.title": ("CSVから端末を選択", "Check devices from a CSV"),
    "csv.import.hint": (
        "シリアル番号または端末IDの列があるCSV（UTF-8 / Shift_JIS、見出し行は自動判別）",
        "A CSV with a column of serial numbers or device ids (UTF-8 or Shift_JIS; a header "
        "row is detected)",
    ),
    "csv.import.done": (
        "{count} 台を選択しました。",
        "Checked {count} device(s).",
    ),
    "csv.import.unmatched": (
        "一致する端末がなかった値 ({count}): {values}",
        "Matched no device ({count}): {values}",
    ),
    "csv.import.duplicates": (
        "重複した値（1回だけ選択）: {values}",
        "Given more than once (checked once): {values}",
    ),
    "csv.import.failed": ("CSVを読めません: {detail}", "Cannot read the CSV: {detail}"),
    "csv.import.ambiguous": (
        "複数の端末に一致した値（どれも選択していません）: {values}",
        "Names more than one device (none of them checked): {values}",
    ),
    "csv.import.header": (
        "1行目を見出しとして読みました: {cells}",
        "The first row was read as a header: {cells}",
    ),
    "csv.import.guessed_header": (
        "1行目はどの端末にも一致せず、見出しとして読みました。値であれば選択していません: {cells}",
        "The first row names no device and was read as a header; if it is a value, it was not "
        "checked: {cells}",
    ),
    "csv.import.column_used": ("使った列: {label}", "Column read: {label}"),
    "csv.import.choose_title": ("端末の列を選択", "Which column lists the devices?"),
    "csv.import.choose_hint": (
        "複数の列が端末に一致し、その内容が食い違っています。選択する端末の列を選んでください。",
        "More than one column names devices, and they name different ones. Choose the column "
        "that lists the devices to check.",
    ),
    "csv.import.choose_hint_named": (
        "見出しが端末の列とする列がどの端末にも一致せず、別の列が一致しています。"
        "選択する端末の列を選んでください。",
        "The column the header names as the device column matches no device, while another "
        "column does. Choose the column that lists the devices to check.",
    ),
    "csv.import.column": ("{label}（{count} 件一致）", "{label} ({count} matched)"),
    "csv.export.grid": ("表示中の端末をCSVに書き出す", "Export the shown devices to CSV"),
    "csv.export.results": ("結果をCSVに書き出す", "Export the results to CSV"),
    "csv.export.hint": (
        "書き出すファイル（UTF-8、BOM付き: Excel でそのまま開けます）",
        "The file to write (UTF-8 with a BOM, so Excel opens it as it is)",
    ),
    "csv.export.done": ("{count} 行を書き出しました: {path}", "Wrote {count} row(s) to {path}"),
    "csv.export.failed": ("書き出せません: {detail}", "Cannot write: {detail}"),
    "key.main.import_csv": ("CSVから選択", "check from CSV"),
    "key.main.export_csv": ("CSVに書き出す", "export CSV"),
    "help.import_csv": (
        "CSVのシリアル番号・端末IDで端末を選択（一致しない値を表示）",
        "check the devices listed in a CSV (serials or ids; unmatched values are listed)",
    ),
    "help.export_csv": ("表示中の端末をCSVに書き出す", "export the shown devices to CSV"),
}
