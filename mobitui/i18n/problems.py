"""Files, folders and inputs that cannot be used: what was being done, and why.

The system's reasons (``errno``) are said here rather than by ``strerror``, which is English on
every jump host; mobitui's own refusals (a symbolic link, another user's folder) have their
sentence too. ``{problem}`` is a nested problem, said in the same language.
"""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # a file or folder, and what could not be done with it (mobitui.local.private_files)
    "file.problem": ("{path}: {why}", "{path}: {why}"),
    "file.cannot.read": ("{path}: 読めません: {why}", "{path}: cannot read: {why}"),
    "file.cannot.write": ("{path}: 書き込めません: {why}", "{path}: cannot write: {why}"),
    "file.cannot.open": ("{path}: 開けません: {why}", "{path}: cannot open: {why}"),
    "file.cannot.create": ("{path}: 作成できません: {why}", "{path}: cannot create: {why}"),
    "file.cannot.move": ("{path}: 移動できません: {why}", "{path}: cannot move: {why}"),
    "file.cannot.sync": (
        "{path}: ディスクへ確実に書き出せません: {why}",
        "{path}: cannot sync: {why}",
    ),
    "file.cannot.use": ("{path}: 使えません: {why}", "{path}: cannot use: {why}"),
    "file.cannot.list": ("{path}: 中身を一覧できません: {why}", "{path}: cannot list: {why}"),
    "file.cannot.delete": ("{path}: 削除できません: {why}", "{path}: cannot delete: {why}"),
    "file.cannot.truncate": (
        "{path}: 途中で切れた最後の行を削除できません: {why}",
        "{path}: cannot truncate: {why}",
    ),
    # mobitui's own refusals
    "file.reason.symlink": (
        "シンボリックリンクのため使いません",
        "is a symbolic link (refused)",
    ),
    "file.reason.not_directory": ("フォルダーではありません", "not a directory"),
    "file.reason.not_regular": (
        "通常のファイルではないため使いません",
        "not a regular file (refused)",
    ),
    "file.reason.exists": ("同じ名前のファイルがすでにあります", "already exists"),
    "file.reason.another_owner": (
        "別のユーザー（uid {owner}）のものなので使いません（このユーザーは uid {me}）",
        "owned by another user (uid {owner}, this is uid {me}): refused",
    ),
    "file.reason.writable_by_group": (
        "グループのユーザーも書き込めるため使いません（モード {mode}）。"
        "chmod 700 {path} で本人だけのものにしてください",
        "writable by its group (mode {mode}): refused; make it private (chmod 700 {path})",
    ),
    "file.reason.writable_by_others": (
        "すべてのユーザーが書き込めるため使いません（モード {mode}）。"
        "chmod 700 {path} で本人だけのものにしてください",
        "writable by everyone (mode {mode}): refused; make it private (chmod 700 {path})",
    ),
    "file.reason.writable_by_group_and_others": (
        "グループのユーザーもすべてのユーザーも書き込めるため使いません（モード {mode}）。"
        "chmod 700 {path} で本人だけのものにしてください",
        "writable by its group and everyone (mode {mode}): refused; make it private "
        "(chmod 700 {path})",
    ),
    "file.reason.read_only": ("読み取り専用のファイルシステムです", "read-only file system"),
    "file.reason.not_writable": (
        "このユーザーには書き込みの権限がありません",
        "not writable by this user",
    ),
    "file.reason.not_utf8": ("UTF-8 のテキストではありません", "not UTF-8 text"),
    "file.reason.too_large": (
        "{limit:,} バイトより大きいため読みません",
        "larger than {limit:,} bytes; not read",
    ),
    # the system's reasons, by errno name (any other: its name, and strerror in English)
    "file.errno.ENOENT": ("ファイルまたはフォルダーがありません", "No such file or directory"),
    "file.errno.EACCES": ("アクセスの権限がありません", "Permission denied"),
    "file.errno.EPERM": ("この操作は許可されていません", "Operation not permitted"),
    "file.errno.ENOSPC": ("ディスクの空き容量がありません", "No space left on device"),
    "file.errno.EDQUOT": ("ディスクの使用量の上限（クォータ）に達しました", "Disk quota exceeded"),
    "file.errno.EFBIG": ("ファイルの大きさの上限に達しました", "File too large"),
    "file.errno.EROFS": ("読み取り専用のファイルシステムです", "Read-only file system"),
    "file.errno.EEXIST": ("同じ名前のファイルがすでにあります", "File exists"),
    "file.errno.ENOTDIR": ("フォルダーではありません", "Not a directory"),
    "file.errno.EISDIR": ("フォルダーです（ファイルではありません）", "Is a directory"),
    "file.errno.EIO": ("入出力エラーです（ディスクか接続の故障）", "Input/output error"),
    "file.errno.EMFILE": ("開いているファイルが多すぎます", "Too many open files"),
    "file.errno.ENFILE": (
        "システム全体で開いているファイルが多すぎます",
        "Too many open files in system",
    ),
    "file.errno.ENAMETOOLONG": ("ファイル名が長すぎます", "File name too long"),
    "file.errno.EBUSY": ("使用中です", "Device or resource busy"),
    "file.errno.ETXTBSY": ("使用中です", "Text file busy"),
    "file.errno.ENOTEMPTY": ("フォルダーが空ではありません", "Directory not empty"),
    "file.errno.ESTALE": (
        "ネットワークファイルシステムの参照が古くなっています",
        "Stale file handle",
    ),
    "file.errno.ENOLCK": ("ロックを取れません", "No locks available"),
    "file.errno.EAGAIN": (
        "一時的に使えません。もう一度試してください",
        "Resource temporarily unavailable",
    ),
    "file.errno.EINVAL": ("このファイルシステムではできない操作です", "Invalid argument"),
    "file.errno.ENODEV": ("デバイスがありません", "No such device"),
    "file.errno.ENXIO": ("デバイスがありません", "No such device or address"),
    "file.errno.EADDRINUSE": (
        "このアドレスとポートはすでに使われています（別のサーバーが動いています）",
        "Address already in use",
    ),
    "file.errno.EADDRNOTAVAIL": (
        "このアドレスはこのマシンにありません",
        "Cannot assign requested address",
    ),
    "file.errno.other": ("システムのエラー {name}", "{text}"),
    # the reference server's refusals (mobitui.sim.server.check_bind)
    "serve.unsafe.demo_accounts": (
        "{host} では待ち受けません: デモ用アカウントのパスワードは公開されています。"
        "127.0.0.1 で待ち受けるか、アカウントのファイル（--accounts）を指定してください",
        "refusing to listen on {host} with the demo accounts (their passwords are public); "
        "listen on 127.0.0.1, or give an accounts file (--accounts)",
    ),
    "serve.unsafe.sim_controls": (
        "{host} では待ち受けません: --sim-controls の時計と監査ログの操作にはトークンが"
        "要りません。127.0.0.1 で待ち受けるか、--sim-controls を外してください",
        "refusing to listen on {host} with --sim-controls (the clock and audit controls need "
        "no token); listen on 127.0.0.1, or leave --sim-controls out",
    ),
    # an exception nothing handled (mobitui.local.crash_reports): the one line printed
    "crash.written": (
        "内部エラーが発生しました（{kind}）。詳しい情報: {path}",
        "internal error ({kind}); details in {path}",
    ),
    "crash.unwritten": (
        "内部エラーが発生しました（{kind}）。クラッシュレポートを書き込めませんでした",
        "internal error ({kind}); no crash report could be written",
    ),
    # the reference server's accounts file (mobitui.sim.accounts.load_accounts_file)
    "serve.accounts.unreadable": (
        "アカウントのファイル {path} を読めません: {problem}",
        "cannot read accounts file {path}: {problem}",
    ),
    "serve.accounts.not_utf8": ("{path}: UTF-8 のテキストではありません", "{path}: not UTF-8 text"),
    # {detail} is tomllib's own English: for the English run only
    "serve.accounts.not_toml": (
        "アカウントのファイル {path} を TOML として読めません",
        "cannot read accounts file {path}: {detail}",
    ),
    "serve.accounts.empty": (
        "{path}: [[account]] の表が一つもありません",
        "{path}: expected at least one [[account]] table",
    ),
    "serve.accounts.twice": (
        "{path}: アカウント {name} が2回あります",
        "{path}: account {name} appears twice",
    ),
    "serve.accounts.unknown_keys": (
        "{where}: 知らないキーがあります: {keys}",
        "{where}: unknown keys {keys}",
    ),
    "serve.accounts.bad_hash": (
        "{where}: password_hash が正しくありません（mobitui hash-password で作ってください）",
        "{where}: bad 'password_hash' (make one with mobitui hash-password)",
    ),
    "serve.accounts.field.table": ("{where}: 表ではありません", "{where}: not a table"),
    "serve.accounts.field.name": (
        "{where}: name は空でない文字列で指定してください",
        "{where}: 'name' must be a non-empty string",
    ),
    "serve.accounts.field.role": (
        "{where}: role は admin または operator で指定してください",
        "{where}: 'role' must be 'admin' or 'operator'",
    ),
    "serve.accounts.field.group_scope": (
        "{where}: group_scope はグループ ID のリストで指定してください",
        "{where}: 'group_scope' must be a list of group ids",
    ),
    "serve.accounts.field.can_delete_devices": (
        "{where}: can_delete_devices は true または false で指定してください",
        "{where}: 'can_delete_devices' must be true or false",
    ),
    "serve.accounts.field.password_hash": (
        "{where}: password_hash が必要です（mobitui hash-password で作ってください）",
        "{where}: 'password_hash' is required (see hash_password)",
    ),
    "serve.accounts.field.id": (
        "{where}: id は空でない文字列で指定してください",
        "{where}: 'id' must be a non-empty string",
    ),
    # where a problem was met, when the file alone does not say it
    "problem.file": ("{problem}", "{problem}"),
    "problem.state_dir": (
        "{problem}（状態フォルダー。$MOBITUI_STATE_DIR で変えられます）",
        "{problem} (the state directory; $MOBITUI_STATE_DIR sets it)",
    ),
    "problem.token_cache": (
        "{problem}（トークンの保存先。$MOBITUI_STATE_DIR で変えられます）",
        "{problem} (the token cache; $MOBITUI_STATE_DIR sets it)",
    ),
    "problem.debug_log": (
        "{problem}（デバッグログ。${env} で変えられます）",
        "{problem} (the debug log; ${env} sets it)",
    ),
    "problem.journal_dir": (
        "{problem}（ジャーナルのフォルダー）",
        "{problem} (the journal directory)",
    ),
    "problem.retirements_dir": (
        "{problem}（廃棄記録のフォルダー）",
        "{problem} (the retirements directory)",
    ),
    "problem.in_retirement": (
        "廃棄記録 {id}: {problem}",
        "retirement {id}: {problem}",
    ),
    "problem.retirement_id": (
        "{id} は廃棄記録の ID ではありません",
        "field 'id': not a retirement id: {id}",
    ),
    "problem.retirement_elsewhere": (
        "廃棄記録 {id}: 別のサーバーまたはアカウントの記録のため、ここには保存しません",
        "retirement {id}: of another server or account, not saved here",
    ),
    "problem.retirement_elsewhere_file": (
        "{path}: 別のサーバーまたはアカウントの廃棄記録です",
        "{path}: a retirement of another server or account",
    ),
    "problem.retirement_missing": (
        "{path}: その廃棄記録はありません",
        "{path}: no such retirement",
    ),
    "problem.retirement_not_its_own": (
        "{path}: 別の廃棄記録（{id}）が入っています",
        "{path}: holds retirement {id!r}, not its own",
    ),
    "problem.in_folder": ("{path}: {problem}", "{path}: {problem}"),
    "problem.not_json": (
        "{path}: {line} 行目: JSON として読めません",
        "{path}: line {line}: not JSON",
    ),
    "problem.not_ours": (
        "{path}: mobitui のファイルとして読めません（中身が想定と違います）",
        "{path}: not a file of mobitui ({detail})",
    ),
    "problem.base_url": (
        "サーバーのアドレス {url} は使えません: "
        "http:// または https:// のアドレスで指定してください",
        "not an http(s) server address: {url}",
    ),
    "problem.token_unusable": (
        "{path}: 保存していません: サーバーのトークンに印字できない文字が含まれています",
        "{path}: not cached: the server's token is not printable ASCII",
    ),
    "problem.torn": (
        "{path}: {line} 行目: 途中で切れています（改行なし、{size} バイト）。無視しました",
        "{path}: line {line}: torn (no newline, {size} bytes): ignored",
    ),
    "problem.journal_torn_plan": (
        "{path}: 1 行目: 計画が途中で切れています（改行なし）。処理は始まっていません",
        "{path}: line 1: torn plan (no newline): never started",
    ),
    "problem.journal_empty": (
        "{path}: 1 行目: 空のジャーナルです（処理の見出しがありません）",
        "{path}: line 1: empty journal (no operation header)",
    ),
    "problem.journal_closed": (
        "{path}: ジャーナルはすでに閉じています",
        "{path}: the journal is closed",
    ),
    "problem.journal_busy": (
        "{path}: 別の mobitui がこの処理を実行しています",
        "{path}: another mobitui is running this operation",
    ),
    # {detail} is a parser's own English: for the English run (and the log) only
    "problem.line": (
        "{path}: {line} 行目が壊れていて読めません",
        "{path}: line {line}: {detail}",
    ),
    # a TOML file that is not TOML (mobitui.local.problem.toml_problem); {detail} is tomllib's
    "toml.at": (
        "{path}: {line} 行目 {column} 文字目: {what}",
        "{path}: line {line}, column {column}: {detail}",
    ),
    "toml.at_end": ("{path}: ファイルの終わり: {what}", "{path}: {detail}"),
    "toml.other": ("TOML として読めません", "not TOML"),
    "toml.no_equals": (
        "TOML として読めません（キーの後に「=」がありません）",
        "expected '=' after a key",
    ),
    "toml.statement": ("TOML として読めません（書き方が正しくありません）", "invalid statement"),
    "toml.value": ("TOML として読めません（値が正しくありません）", "invalid value"),
    "toml.string": ("TOML として読めません（文字列が閉じていません）", "unterminated string"),
    "toml.twice": ("TOML として読めません（同じキーまたは表が2回あります）", "defined twice"),
    "toml.unclosed": ("TOML として読めません（括弧が閉じていません）", "unclosed"),
    "toml.bracket": ("TOML として読めません（表の見出しの「]」がありません）", "expected ']'"),
    "toml.character": ("TOML として読めません（使えない文字があります）", "invalid character"),
    "toml.datetime": ("TOML として読めません（日時が正しくありません）", "invalid date or time"),
}
