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
    # a path typed into a file question that names no file (mobitui.tui.screens.ask_path)
    "path.refused.nul": (
        "パスに使用できない文字（NUL）が含まれています",
        "The path holds a character no path can have (NUL)",
    ),
    "path.refused.home": (
        "「~」の後のユーザー名がこのコンピューターにありません: {path}",
        "No user of this computer has the name after 「~」: {path}",
    ),
    "csv.export.failed": ("書き出せません: {detail}", "Cannot write: {detail}"),
    "key.main.import_csv": ("CSVから選択", "check from CSV"),
    "key.main.export_csv": ("CSVに書き出す", "export CSV"),
    "help.import_csv": (
        "CSVのシリアル番号・端末IDで端末を選択（一致しない値を表示）",
        "check the devices listed in a CSV (serials or ids; unmatched values are listed)",
    ),
    "help.export_csv": ("表示中の端末をCSVに書き出す", "export the shown devices to CSV"),
    # a file that is not a list of devices (mobitui.domain.csv_select.CsvProblem)
    "csv.problem.too_large": (
        "{mib} MiB より大きいため端末の一覧として読みません"
        "（シリアル番号または端末IDの列だけを保存してください）",
        "larger than {mib} MiB: not a list of devices (save only the column of serial numbers "
        "or ids)",
    ),
    "csv.problem.encoding": (
        "{byte} バイト目: UTF-8 でも Shift_JIS でもありません（CSV UTF-8 で保存してください）",
        "byte {byte}: neither UTF-8 nor Shift_JIS (save the file as CSV UTF-8)",
    ),
    "csv.problem.too_wide": (
        "{line} 行目: 列が {most:,} より多くあります（端末の列だけを保存してください）",
        "line {line}: more than {most:,} columns, the most that is read (save only the "
        "columns of the devices)",
    ),
    "csv.problem.too_many_commas": (
        "{line} 行目: 1 行のカンマが {commas:,} 個より多くあります"
        "（読むのは {most:,} 列まで。端末の列だけを保存してください）",
        "line {line}: more than {commas:,} commas in one row (at most {most:,} columns are "
        "read; save only the columns of the devices)",
    ),
    "csv.problem.syntax": (
        '{line} 行目: CSV として読めません（引用符「"」が閉じていないなど）',
        "line {line}: {detail}",
    ),
    "csv.problem.no_such_column": ("列 {column} はありません", "no column {column}"),
    "csv.problem.header_twice": (
        "列 {column}: その見出しの列が複数あります",
        "column {column}: more than one column has that header",
    ),
    "csv.problem.no_column": (
        "列 {column} はありません（列: {known}）",
        "no column {column} (columns: {known})",
    ),
    "csv.problem.no_column_numbered": (
        "列 {column} はありません（列: 1〜{width}）",
        "no column {column} (columns: 1 to {width})",
    ),
    "csv.problem.column": ("「{label}」（{count} 件一致）", "'{label}' ({count} matched)"),
    "csv.problem.label": ("「{label}」", "'{label}'"),
    "csv.column.numbered": ("{number} 列目", "column {number}"),
    "csv.problem.disagree": (
        "複数の列が端末に一致し、その内容が食い違っています: {columns}",
        "more than one column names devices: {columns}",
    ),
    "csv.problem.named_matches_nothing": (
        "見出しが端末の列とする列 {silent} はどの端末にも一致せず、別の列が一致しています: "
        "{columns}",
        "the header names {silent} as the device column but it matches no device, while "
        "another column does: {columns}",
    ),
}
