"""The headless CLI: ``--help`` texts, its refusals and notes, the password prompt.

Option names (``--profile``), paths and ids stay Latin in both languages. argparse's own words
(``usage:``, its errors) are :data:`ARGPARSE_JA`: argparse asks ``gettext`` for them by their
English text, and :mod:`mobitui.cli` answers from here while it builds and parses.
"""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names; ``%(default)s`` is argparse's own.
MESSAGES: dict[str, tuple[str, str]] = {
    # --help: the program and its commands
    "cli.help.description": (
        "mobiconnect の端末をインアクティベーション・削除するための、キーボード操作の"
        "ターミナル UI です。",
        "Keyboard-driven terminal UI for retiring devices in mobiconnect.",
    ),
    "cli.help.version": ("バージョンを表示して終了します", "show the version and exit"),
    "cli.help.help": ("このヘルプを表示して終了します", "show this help message and exit"),
    "cli.help.profile": (
        "接続に使うプロファイル（既定: $MOBITUI_PROFILE、なければ既定のプロファイル）",
        "profile to connect with (default: $MOBITUI_PROFILE, else the default one)",
    ),
    "cli.help.lang": ("メッセージの言語（ja または en）", "language of messages (ja or en)"),
    "cli.help.tui_read_only": (
        "破壊的な操作をすべて無効にします",
        "disable every destructive action",
    ),
    "cli.help.demo": (
        "リファレンスサーバーを子プロセスで起動し、デモ管理者として TUI を開きます",
        "start the reference server (a child process) and open the TUI as the demo admin",
    ),
    "cli.help.demo.description": (
        "ループバックの空きポートでリファレンスサーバーを起動し（--db がなければ一時ディレクトリに"
        "新しいデータベース）、デモ管理者でログインして TUI を開きます。",
        "Start the reference server on a free loopback port (fresh database in a temporary "
        "directory unless --db), log in as the demo admin and open the TUI.",
    ),
    "cli.help.fleet": ("端末の台数（既定: %(default)s）", "devices (default: %(default)s)"),
    "cli.help.seed": (
        "端末群の乱数シード（既定: %(default)s）",
        "fleet seed (default: %(default)s)",
    ),
    "cli.help.demo_db": (
        "デモのデータベースをこのファイルに残します",
        "keep the demo database in this file",
    ),
    "cli.help.hostile": (
        "悪意のある端末名（マークアップ、エスケープシーケンス、1 万文字 …）で端末を作ります",
        "seed devices with hostile names (markup, escape sequences, 10,000 characters …)",
    ),
    "cli.help.speed": (
        "模擬時計の速さ（実時間の何倍か。既定: %(default)s）",
        "simulated clock speed, times real time (default: %(default)s)",
    ),
    "cli.help.demo_account": (
        "ログインするデモアカウント（既定: %(default)s）",
        "demo account to log in as (default: %(default)s)",
    ),
    "cli.help.serve": (
        "リファレンスサーバーを実行します（API 契約を実装し、端末群を模擬します）",
        "run the reference server (implements the API contract, simulates a fleet)",
    ),
    "cli.help.serve.description": (
        "ループバックでリファレンスサーバーを実行します。データベースは初回起動時に作成・"
        "投入され、以後は再利用されます（再起動しても何も失われません）。",
        "Run the reference server on loopback. The database is created and seeded on first "
        "start and reused afterwards: restarting loses nothing.",
    ),
    "cli.help.host": (
        "待ち受けるアドレス（既定: %(default)s）",
        "address to bind (default: %(default)s)",
    ),
    "cli.help.port": ("ポート番号（既定: %(default)s）", "port (default: %(default)s)"),
    "cli.help.serve_db": ("SQLite データベースファイル", "SQLite database file"),
    "cli.help.serve_fleet": (
        "投入する端末の台数（既定: %(default)s）",
        "devices to seed (default: %(default)s)",
    ),
    "cli.help.accounts": (
        "デモアカウントの代わりに使う TOML ファイル",
        "TOML file replacing the demo accounts",
    ),
    "cli.help.sim_controls": (
        "テストとデモ用の /sim/ エンドポイント（時計の進行、監査ログの読み出し）を有効にします"
        "（ループバックのみ）",
        "enable the /sim/ endpoints (clock advance, audit read-out) for tests and demos; "
        "loopback only",
    ),
    "cli.help.hash_password": (
        "ターミナルまたは標準入力からパスワードを読み、--accounts 用のハッシュを出力します",
        "read a password from the terminal or stdin and print its hash for --accounts",
    ),
    # --help: the connection options
    "cli.group.connection": ("サーバーとアカウント", "server and account"),
    "cli.help.cmd_profile": (
        "使うプロファイル（既定: $MOBITUI_PROFILE、なければ既定のプロファイル）",
        "profile to use (default: $MOBITUI_PROFILE, else the default one)",
    ),
    "cli.help.server": (
        "一回限りの接続先サーバーの URL（--account と一緒に）",
        "a server URL for a one-off (with --account)",
    ),
    "cli.help.account": (
        "ログインするアカウント（--server と一緒に）",
        "the account to log in as (with --server)",
    ),
    "cli.help.password_stdin": (
        "パスワードを標準入力の 1 行目から読みます（引数では渡さないでください）",
        "read the password from the first line of stdin (never pass it as an argument)",
    ),
    "cli.help.read_only": (
        "破壊的なコマンドを、何も送らずにすべて拒否します（プロファイルの read_only、"
        "オペレーターのアカウントでも同じ）",
        "refuse every destructive command before anything is sent (also: the profile's "
        "read_only, an operator account)",
    ),
    "cli.help.format": ("出力形式（既定: %(default)s）", "output format (default: %(default)s)"),
    # --help: choosing devices
    "cli.group.selection": (
        "端末の指定（組み合わせ可。それぞれ繰り返し指定できます）",
        "devices (any combination; each may be repeated)",
    ),
    "cli.help.group": (
        "グループの ID または名前（繰り返し指定可）",
        "a group id or name (repeatable)",
    ),
    "cli.help.subgroups": (
        "--group と一緒に: そのサブグループも含めます",
        "with --group: their subgroups too",
    ),
    "cli.help.device": ("端末 ID（繰り返し指定可）", "device ids (repeatable)"),
    "cli.help.from_csv": (
        "シリアル番号または端末 ID の列を持つ CSV（UTF-8、BOM の有無を問わず、または日本語版 "
        "Excel が保存する Shift_JIS。最大 64 MiB・1,000 列）。見出し行は自動で判定します"
        "（繰り返し指定可: すべてのファイルを読みます）",
        "a column of serial numbers or device ids (UTF-8, with or without BOM, or Shift_JIS "
        "as Japanese Excel saves it; at most 64 MiB and 1,000 columns); a header row is "
        "detected (repeatable: every file is read)",
    ),
    "cli.help.column": (
        "--from-csv と一緒に: 読む列（見出し、または 1 から数えた列番号）。すべてのファイルに 1 "
        "回、またはファイルごとに順に指定します",
        "with --from-csv: the column to read (its header, or its number from 1), when the "
        "file leaves it in doubt; once for every file, or once per file in order",
    ),
    # --help: safety
    "cli.group.safety": ("安全のための指定", "safety"),
    "cli.help.dry_run": (
        "事前確認を表示するだけで、何も送りません",
        "print the preflight and send nothing",
    ),
    "cli.help.agree": (
        "非対話の実行での「同意する」（指定しなければターミナルで確認します）",
        "「同意する」 for non-interactive runs (else asked on the terminal)",
    ),
    "cli.help.acknowledge": (
        "端末の初期化につながりうる警告を確認済みにします: {choices}",
        "acknowledge a warning that can cost a factory reset: {choices}",
    ),
    # --help: the headless commands
    "cli.help.logout": (
        "プロファイルのキャッシュ済みトークンをサーバーで無効にし、トークンと端末一覧の"
        "キャッシュを削除します",
        "revoke the profile's cached token on the server; delete it and the cached fleet",
    ),
    "cli.help.groups": ("グループの一覧", "list the groups"),
    "cli.help.devices": ("端末の一覧", "list devices"),
    "cli.help.devices_subgroups": (
        "--group と一緒に: サブグループも含めます",
        "with --group: subgroups too",
    ),
    "cli.help.state": ("この状態の端末だけ", "only this state"),
    "cli.help.query": (
        "端末名・シリアル番号・ユーザー・電話番号にこの文字列を含むもの",
        "name, serial, user or phone contains this",
    ),
    "cli.help.requests": (
        "インアクティベーション要求の一覧（または取り消し）",
        "list inactivation requests (or cancel one)",
    ),
    "cli.help.status": ("この状態の要求だけ", "only requests in this status"),
    "cli.help.cancel": ("予約済みの要求を取り消します", "cancel a scheduled request"),
    "cli.help.request_id": ("要求の ID", "the request's id"),
    "cli.help.no_confirm": ("確認を求めません", "do not ask for confirmation"),
    "cli.help.inactivate": (
        "指定した端末の一括インアクティベーション",
        "一括インアクティベーション of the chosen devices",
    ),
    "cli.help.remove_apple_mdm_profile": (
        "「Apple MDMプロファイル削除」を「有効にする」",
        "「Apple MDMプロファイル削除」「有効にする」",
    ),
    "cli.help.schedule": (
        "「予約日時を設定する」: YYYY-MM-DD HH:MM（このマシンの時刻）または RFC 3339",
        "「予約日時を設定する」: YYYY-MM-DD HH:MM (local time) or RFC 3339",
    ),
    "cli.help.force_inactivate": (
        "指定した端末の一括強制インアクティベーション",
        "一括強制インアクティベーション of the chosen devices",
    ),
    "cli.help.delete_after": (
        "「有効」: 直後に端末を削除します",
        "「有効」: delete the records right after",
    ),
    "cli.help.delete": (
        "指定した（インアクティブの）端末の端末一括削除",
        "端末一括削除 of the chosen (inactive) devices",
    ),
    "cli.help.resume": (
        "このサーバーとアカウントの中断した一括処理を完了させます",
        "finish an interrupted bulk operation of this server and account",
    ),
    "cli.help.operation": ("この処理だけ", "only this operation"),
    "cli.help.abandon": (
        "--operation と一緒に: 残りを取りやめます（何も送りません）",
        "with --operation: give the rest of it up for good (nothing is sent)",
    ),
    "cli.help.checklist": ("端末側の作業手順", "the on-device steps"),
    "cli.help.export": (
        "端末の利用者向けの手順書を書き出します",
        "write instruction sheets for device users",
    ),
    "cli.help.sheet_lang": (
        "手順書の言語（両方なら繰り返し指定。既定: メッセージの言語）",
        "language of the sheets (repeat for both; default: the message language)",
    ),
    "cli.help.sheet_format": (
        "md と txt のどちらか、または両方（既定: 両方）",
        "md and/or txt (default: both)",
    ),
    "cli.help.out_dir": ("書き出し先のフォルダー", "folder to write into"),
    "cli.help.retirement": (
        "このマシンに保存した廃棄の記録（ログイン不要）",
        "the retirement records kept on this machine (no login needed)",
    ),
    "cli.help.retirement_list": (
        "このサーバーとアカウントの廃棄の記録",
        "the retirements of this server and account",
    ),
    "cli.help.retirement_show": (
        "1 件の廃棄の記録: 端末ごとの段階と時刻",
        "one retirement: each device's stage and times",
    ),
    "cli.help.retirement_id": ("廃棄の記録の ID", "the retirement's id"),
    "cli.help.retirement_rename": (
        "廃棄の記録の名前を変えます（このマシンに保存）",
        "give one retirement a new name (kept on this machine)",
    ),
    "cli.help.new_name": (
        "新しい名前（入力どおりに保存。空や制御文字は不可）",
        "the new name, kept as typed (not empty, no control characters)",
    ),
    "cli.help.retirement_report": (
        "廃棄の記録のレポート（CSV または Markdown）",
        "one retirement's report (CSV or Markdown)",
    ),
    "cli.help.report_format": (
        "レポートの形式（既定: %(default)s）。言語は --lang",
        "report format (default: %(default)s); its language: --lang",
    ),
    "cli.help.out_file": (
        "標準出力ではなく新しいファイル（0600）に書きます",
        "write a new 0600 file, not stdout",
    ),
    "cli.help.force": ("--out と一緒に: ファイルを置き換えます", "with --out: replace the file"),
    "cli.help.audit_from_server": (
        "ログインしてサーバーの監査ログ（リファレンスサーバーのもの）と照合します",
        "log in and compare with the server's audit log (the reference server's)",
    ),
    "cli.help.profile_cmd": (
        "プロファイルの一覧と設定（秘密情報は表示しません）",
        "the profiles: list them, show one (never a secret)",
    ),
    "cli.help.profile_list": (
        "プロファイルの一覧（名前、URL、アカウント、既定の印）",
        "every profile: name, base_url, account, the default marked",
    ),
    "cli.help.profile_show": (
        "1 つのプロファイルの設定（既定: 選ばれるプロファイル）",
        "one profile's settings (default: the one chosen)",
    ),
    "cli.help.profile_name": ("プロファイル名", "the profile's name"),
    "cli.help.auth": ("ログインの状態", "the login"),
    "cli.help.auth_status": (
        "このプロファイルのキャッシュ済みトークンと有効期限（--check がなければサーバーに"
        "接続しません）",
        "the chosen profile's cached token and its expiry (the server is not contacted "
        "unless --check)",
    ),
    "cli.help.check": (
        "サーバーに接続して、トークンがまだ使えるか確かめます",
        "ask the server whether the token still works",
    ),
    "cli.help.completion": (
        "シェルの補完スクリプトを出力します（bash、zsh、fish）",
        "print a shell completion script (bash, zsh, fish)",
    ),
    "cli.help.shell": ("シェルの種類", "the shell"),
    "cli.metavar.command": ("コマンド", "COMMAND"),
    "cli.metavar.subcommand": ("サブコマンド", "SUBCOMMAND"),
    # argparse's value checks
    "cli.type.not_a_number": ("数値ではありません: {value!r}", "not a number: {value!r}"),
    "cli.type.zero_or_more": ("0 以上を指定してください", "must be zero or more"),
    "cli.type.more_than_zero": ("0 より大きい値を指定してください", "must be more than zero"),
    # the password, from the terminal
    "cli.password.prompt": ("{account} のパスワード: ", "Password for {account}: "),
    "cli.password.prompt_plain": ("パスワード: ", "Password: "),
    "cli.password.no_terminal": (
        "パスワードが必要ですが、入力できるターミナルがありません: "
        "--password-stdin で渡してください",
        "a password is needed and there is no terminal to ask it on: pass it with --password-stdin",
    ),
    "cli.password.empty": ("パスワードが空です", "empty password"),
    # refusals and notes
    "cli.read_only": (
        "読み取り専用（--read-only またはプロファイルの read_only）: {what} は実行しません。"
        "何も送っていません",
        "read-only (--read-only or the profile's read_only): {what}; nothing was sent",
    ),
    "cli.operator": (
        "{name} はオペレーターのため端末を変更できません。何も送っていません",
        "{name} is an operator: it may not change devices; nothing was sent",
    ),
    "cli.dry_run": (
        "--dry-run: 何も送っていません（上は実行した場合の予定です）",
        "--dry-run: nothing was sent (above: what would happen)",
    ),
    "cli.plan.would_act": ("実行予定", "would act"),
    "cli.plan.would_delete": ("削除予定", "would delete"),
    # the preflight table's titles (JSON and CSV keep the keys)
    "cli.col.device_id": ("端末ID", "device_id"),
    "cli.col.name": ("端末名", "name"),
    "cli.col.outcome": ("結果", "outcome"),
    "cli.col.reason": ("理由", "reason"),
    "cli.col.plan": ("内容", "plan"),
    "cli.col.on_device": ("端末側の作業", "on_device"),
    "cli.col.jobs_cancelled": ("取り消すジョブ", "jobs_cancelled"),
    "cli.col.warnings": ("警告", "warnings"),
    "cli.choose": (
        "--group、--device または --from-csv で端末を指定してください",
        "choose devices with --group, --device or --from-csv",
    ),
    "cli.column_needs_csv": (
        "--column は --from-csv と一緒に指定します",
        "--column goes with --from-csv",
    ),
    "cli.columns_mismatch": (
        "--from-csv {files} 個に --column が {columns} 個です: ファイルごとに（同じ順で）1 つずつ、"
        "またはすべてに 1 つ指定してください",
        "{columns} --column for {files} --from-csv: give one for every file (in the same "
        "order), or one for all",
    ),
    "cli.schedule_unreadable": (
        "--schedule {text!r}: YYYY-MM-DD HH:MM または RFC 3339 の時刻を指定してください",
        "--schedule {text!r}: give YYYY-MM-DD HH:MM or an RFC 3339 time",
    ),
    "cli.not_acknowledged": (
        "送っていません: 先にこれらの警告を確認してください: {flags}",
        "not sent: these warnings must be acknowledged first: {flags}",
    ),
    "cli.acknowledge_question": ("⚠ {warning}: 確認しますか？", "⚠ {warning}: acknowledge?"),
    "cli.not_agreed": (
        "送っていません: ターミナルで同意するか、--agree を指定してください",
        "not sent: agree on the terminal, or pass --agree",
    ),
    "cli.count_mismatch": (
        "送っていません: 台数が一致しません",
        "not sent: the count did not match",
    ),
    "cli.matched_none": (
        "どの端末にも一致しません（対象外）: {values}",
        "matched no device (left out): {values}",
    ),
    "cli.not_chosen": (
        "指定と異なる端末です（対象外）: {stray}",
        "not what was chosen (left out): {stray}",
    ),
    "cli.not_asked": (
        "問い合わせと異なる端末です（対象外）: {stray}",
        "not what was asked (left out): {stray}",
    ),
    "cli.nothing_to_resume": ("{here} に再開する処理はありません", "nothing to resume for {here}"),
    "cli.nothing_to_resume_here": (
        "{here} に再開する処理はありません。別のサーバー、プロファイルまたはアカウントに未完了の"
        "処理が {count} 件あります: {listed}（その --server/--profile と --account で再開して"
        "ください）",
        "nothing to resume for {here}; {count} unfinished operation(s) of another server, "
        "profile or account: {listed} (resume with that --server/--profile and --account)",
    ),
    "cli.no_operation": ("未完了の処理 {id!r} はありません", "no unfinished operation {id!r}"),
    "cli.not_resumed": (
        "再開していません: ターミナルで同意するか、--agree を指定してください",
        "not resumed: agree on the terminal, or --agree",
    ),
    "cli.abandon_needs_operation": (
        "--abandon には --operation ID が必要です",
        "--abandon needs --operation ID",
    ),
    "cli.abandon_question": (
        "処理 {id} を取りやめますか（未送信の端末 {count} 台）？",
        "give up operation {id} ({count} device(s) not sent)?",
    ),
    "cli.not_abandoned": (
        "取りやめていません: ターミナルで同意するか、--agree を指定してください",
        "not abandoned: agree on the terminal, or --agree",
    ),
    "cli.abandoned": (
        "処理 {id} を取りやめました: 端末 {count} 台には送っていません",
        "operation {id} abandoned: {count} device(s) were not sent",
    ),
    "cli.files_written": ("{count} 個のファイル（{where}）", "{count} file(s) in {where}"),
    "cli.interrupted": (
        "中断しました。始めた処理は `mobitui resume` で完了できます",
        "interrupted; `mobitui resume` finishes what was started",
    ),
    "cli.resume_hint": (
        "失われたものはありません: `mobitui resume` で完了できます",
        "nothing is lost: `mobitui resume` finishes it",
    ),
    "cli.logout_per_profile": (
        "ログアウトはプロファイルごとです: --profile を指定してください",
        "logout is per profile: give --profile",
    ),
    "cli.logged_out": (
        "ログアウトしました: {account}（{profile}）",
        "logged out: {account} on {profile}",
    ),
    "cli.no_group": (
        "グループ {value!r} はありません（`mobitui groups` を参照）",
        "no group {value!r} (see `mobitui groups`)",
    ),
    "cli.groups_named": (
        "{count} 個のグループが {value!r} という名前です: ID で指定してください",
        "{count} groups are named {value!r}: use the id",
    ),
    "cli.not_scheduled": (
        "要求 {id} は {status} です: 取り消せるのは予約済みの要求だけです",
        "request {id} is {status}: only a scheduled request can be cancelled",
    ),
    "cli.cancel_question": ("要求 {id} を取り消しますか？", "Cancel request {id}?"),
    "cli.not_cancelled": (
        "取り消していません: --agree で確認してください",
        "not cancelled: confirm with --agree",
    ),
    "cli.no_retirement": (
        "{where} に廃棄の記録 {id!r} はありません（`mobitui retirement list` を参照）",
        "no retirement {id!r} of {where} (see `mobitui retirement list`)",
    ),
    "cli.not_renamed": ("名前を変えていません: {why}", "not renamed: {why}"),
    "cli.no_audit_log": (
        "このサーバーには監査ログ（GET /sim/audit、リファレンスサーバーのもの）がありません: "
        "監査の列は「利用不可」になります",
        "this server has no audit log (GET /sim/audit, the reference server's): the audit "
        "column says not available",
    ),
    "cli.already_exists": (
        "{path}: 既にあります。上書きしていません（--force で置き換えます）",
        "{path}: already exists; not overwritten (--force replaces it)",
    ),
    "cli.report_written": (
        "廃棄の記録 {id} のレポートを書き出しました（0600）",
        "report of retirement {id} written (0600)",
    ),
    "cli.not_utf8_argument": (
        "引数 {index} が UTF-8 のテキストではありません（{shown}）: UTF-8 を使ってください"
        "（ファイル名を変えるか、そのようなバイトを含まないパスを渡してください）",
        "argument {index} is not UTF-8 text ({shown}); use UTF-8 (rename a file, or pass a "
        "path without such bytes)",
    ),
    # mobitui profile list|show
    "cli.profile.none": (
        "プロファイルがありません。mobitui を一度起動すると作成できます",
        "no profiles; run mobitui once to create one",
    ),
    "cli.profile.default_mark": ("既定", "default"),
    "cli.profile.missing": (
        "プロファイル {name!r} はありません（あるもの: {known}）",
        "no profile {name!r} (known: {known})",
    ),
    "cli.col.profile": ("プロファイル", "name"),
    "cli.col.account": ("アカウント", "account"),
    "cli.col.default": ("既定", "default"),
    # mobitui auth status
    "cli.auth.logged_in": (
        "{account}（{server}、プロファイル {profile}）: キャッシュ済みのトークンがあります。"
        "有効期限 {expires}",
        "{account} on {server} (profile {profile}): a cached token, expires {expires}",
    ),
    "cli.auth.logged_out": (
        "{account}（{server}、プロファイル {profile}）: キャッシュ済みのトークンはありません"
        "（次のコマンドでパスワードを聞きます）",
        "{account} on {server} (profile {profile}): no cached token (the next command asks "
        "for the password)",
    ),
    "cli.auth.one_off": (
        "--server と --account の一回限りの接続ではトークンを保存しません",
        "a one-off --server and --account never keeps a token",
    ),
    "cli.auth.accepted": ("サーバーはトークンを受け付けました", "the server accepts the token"),
    "cli.auth.refused": (
        "サーバーはトークンを受け付けません（削除しました）",
        "the server refuses the token (it is deleted)",
    ),
    # the settings and the profiles file (mobitui.local.profiles: ConfigError.said)
    "cli.config.one_off_pair": (
        "--server と --account は両方を指定してください",
        "--server and --account go together",
    ),
    "cli.config.no_profile": (
        "プロファイル {wanted}{origin} はありません（登録済み: {known}）",
        "no profile {wanted}{origin} (known: {known})",
    ),
    "cli.config.no_profile_yet": (
        "プロファイル {wanted}{origin} はありません（登録済みのプロファイルはありません。"
        "mobitui を一度起動して作成してください）",
        "no profile {wanted}{origin} (known: none; run mobitui once to create one)",
    ),
    "cli.config.no_default_profile": (
        "既定のプロファイルがありません（登録済み: {known}）",
        "no profile 'the default profile' (known: {known})",
    ),
    "cli.config.no_default_profile_yet": (
        "プロファイルがまだありません。mobitui を一度起動して作成してください",
        "no profile 'the default profile' (known: none; run mobitui once to create one)",
    ),
    "cli.config.not_utf8": (
        "{path}: UTF-8 のテキストではありません",
        "{path}: not UTF-8 text",
    ),
    "cli.config.default_not_string": (
        "{path}: default_profile: 文字列で指定してください",
        "{path}: default_profile: must be a string",
    ),
    "cli.config.profiles_not_table": (
        "{path}: profiles: プロファイルのテーブルで指定してください",
        "{path}: profiles: must be a table of profiles",
    ),
    "cli.config.profile_not_table": (
        "{where}: テーブルで指定してください",
        "{where}: must be a table",
    ),
    "cli.config.unknown_key": (
        "{where}: 不明なキー {field!r} です",
        "{where}: unknown key {field!r}",
    ),
    "cli.config.not_string": (
        "{where}.{field}: 文字列で指定してください",
        "{where}.{field}: must be a string",
    ),
    "cli.config.not_bool": (
        "{where}.{field}: true または false で指定してください",
        "{where}.{field}: must be true or false",
    ),
    "cli.config.not_int": (
        "{where}.{field}: 整数で指定してください",
        "{where}.{field}: must be a whole number",
    ),
    "cli.config.default_missing": (
        "{path}: default_profile: プロファイル {name} はありません",
        "{path}: default_profile: no profile named {name}",
    ),
    "cli.config.value": ("{where}.{reason}", "{where}.{reason}"),
    # why a device is left out (commands.common.stray_text)
    "cli.stray.outside_group": (
        "グループ {group} に所属しており、選択したグループの外です",
        "in group {group}, outside the chosen groups",
    ),
    "cli.stray.outside_scope": (
        "グループ {group} に所属しており、このアカウントの権限の範囲外です",
        "in group {group}, outside this account's scope",
    ),
    "cli.stray.not_asked": (
        "{expected} の問い合わせにサーバーがこの端末を返しました",
        "the server answered with it for {expected}",
    ),
    "cli.stray.changed_serial": (
        "処理を計画した時点のシリアル番号は {expected} でした",
        "its serial was {expected} when the run was planned",
    ),
    "cli.stray.had_no_serial": (
        "処理を計画した時点ではシリアル番号がありませんでした",
        "it had no serial number when the run was planned",
    ),
    "cli.stray.changed_name": (
        "処理を計画した時点の端末名は {name} でした",
        "its name was {name} when the run was planned",
    ),
    "cli.stray.unverified": (
        "計画にシリアル番号も端末名も記録されていません",
        "the plan recorded neither its serial nor its name",
    ),
    "cli.stray.no_longer_planned": (
        "計画した端末と異なります: {stray}",
        "no longer what was planned: {stray}",
    ),
    # --from-csv notes (commands.acting.choose)
    "cli.csv.header": (
        "{path}: 1 行目はどの端末にも一致しないため見出しとして読みました（値であれば対象外）: "
        "{header}",
        "{path}: the first row matched no device and was read as a header (left out, if it "
        "is a value): {header}",
    ),
    "cli.csv.column": (
        "{path}: 端末の列として {column} を読みました",
        "{path}: read column {column}",
    ),
    "cli.csv.ambiguous": (
        "{path}: 複数の端末に一致します（対象外）: {devices}",
        "{path}: names more than one device (left out): {devices}",
    ),
    "cli.csv.duplicates": (
        "{path}: 複数回指定されています（処理は 1 回）: {values}",
        "{path}: given more than once (acted on once): {values}",
    ),
    # how a run ends (commands.common.run, commands.acting)
    "cli.protocol_open": (
        "これ以上は何も送らず、その応答の内容は信用しません。処理は未完了のままです: サーバー"
        "（またはそのゲートウェイ）が直ったら `mobitui resume` で完了できます",
        "nothing more was sent and nothing of that answer is trusted; the operation stays "
        "open: once the server (or its gateway) is fixed, `mobitui resume` finishes it",
    ),
    "cli.output_closed": (
        "すべての結果を書き出す前に出力が閉じられました。サーバーに送った内容はジャーナルに"
        "あります: 未完了の処理は `mobitui resume` で完了できます",
        "the output was closed before every result was written; what the server was sent is "
        "in the journal: `mobitui resume` finishes anything still open",
    ),
    "cli.stays_open": (
        "処理 {id} は未完了のままです: `mobitui resume` で再度確認します",
        "operation {id} stays open: `mobitui resume` asks again",
    ),
    "cli.csv.problem": ("{path}: {problem}", "{path}: {problem}"),
    "cli.csv.column_choice": (
        "{path}: {problem}。何も送っていません。--column 列名 で端末の列を指定してください",
        "{path}: {problem}; nothing was sent: say which with --column NAME",
    ),
    "cli.resume_strays": (
        "再開していません: 処理 {id} の {count} 台が、計画した時の端末ではなくなりました。"
        "何も送っていません。端末を確かめてから、残りを "
        "`mobitui resume --operation {id} --abandon` で破棄してください",
        "not resumed: {count} device(s) of operation {id} are no longer the devices it "
        "planned; nothing was sent. Check them, then give the rest up with "
        "`mobitui resume --operation {id} --abandon`",
    ),
    "cli.fleet_cache_kept": (
        "端末一覧のキャッシュを削除できません: {problem}",
        "cannot delete the fleet cache: {problem}",
    ),
    "cli.logout_unreachable": (
        "{error} このトークンはここでは破棄しました。"
        "サーバー上では {expires} に期限切れになります。",
        "{error} The token is forgotten here; on the server it expires at {expires}.",
    ),
    "cli.retirement_not_updated": (
        "端末の廃棄記録を更新できませんでした: {problem}",
        "retirement not updated: {problem}",
    ),
    "cli.retirement_not_listed": (
        "一覧に含めていません: {problem}",
        "not listed: {problem}",
    ),
    # requests cancel
    "cli.cancel.scheduled": (
        "要求 {id}: 予約日時 {at}、端末 {count} 台",
        "request {id}: scheduled at {at}, {count} device(s)",
    ),
    "cli.cancel.answered_other": (
        "要求 {id} を問い合わせたところ、サーバーは要求 {other} を返しました（プロトコル"
        "エラー）: 何も取り消していません",
        "asked for request {id}, the server answered with request {other} (a protocol "
        "error): nothing was cancelled",
    ),
    "cli.cancel.unknown": (
        "要求 {id} の取り消しに対するサーバーの応答は要求 {other} についてのものです"
        "（プロトコルエラー）: {id} が取り消されたかは不明です。`mobitui requests` で"
        "確認してください",
        "the server's answer to cancelling request {id} is about request {other} (a "
        "protocol error): whether {id} was cancelled is unknown; check with `mobitui requests`",
    ),
    # --group: one group's id and another's name
    "cli.group_id_and_name": (
        "{value} はグループ {group} の ID であり、{named} の名前でもあります: 何も送って"
        "いません。どちらか指定してください: {hints}",
        "{value} is the id of group {group} and the name of {named}: nothing was sent; "
        "say which: {hints}",
    ),
    "cli.group_hint": ("{id} には --group {value}", "--group {value} for {id}"),
    "cli.group_hint_none": (
        "{id} は名前では一意に指定できません（--from-csv を使ってください）",
        "{id} has no name without doubt (use --from-csv)",
    ),
}

#: argparse's own words, by the English text it asks ``gettext`` for (Python 3.11-3.13).
ARGPARSE_JA: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "位置引数",
    "options": "オプション",
    "show this help message and exit": "このヘルプを表示して終了します",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "%(parser_name)r というコマンドはありません（選択肢: %(choices)s）"
    ),
    "unrecognized arguments: %s": "認識できない引数です: %s",
    "not allowed with argument %s": "引数 %s と一緒には指定できません",
    "ignored explicit argument %r": "明示された引数 %r は無視されます",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "one of the arguments %s is required": "引数 %s のいずれかが必要です",
    "expected one argument": "値を 1 つ指定してください",
    "expected at most one argument": "値は 1 つまでです",
    "expected at least one argument": "値を 1 つ以上指定してください",
    "expected %s argument": "値を %s 個指定してください",
    "expected %s arguments": "値を %s 個指定してください",
    "ambiguous option: %(option)s could match %(matches)s": (
        "あいまいなオプションです: %(option)s は %(matches)s のどれにも当てはまります"
    ),
    "unexpected option string: %s": "予期しないオプションです: %s",
    "invalid %(type)s value: %(value)r": "%(type)s の値が不正です: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "不正な選択です: %(value)r（選択肢: %(choices)s）"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
}
