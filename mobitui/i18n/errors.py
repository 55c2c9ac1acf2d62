"""Errors: the server's problem codes (``problem.<code>``) and the ones mobitui meets itself."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # errors from the server, by problem code
    "error.code.invalid_password": (
        "パスワードが正しくありません。何も変更されていません。",
        "The password is wrong. Nothing was changed.",
    ),
    "error.code.forbidden": (
        "このアカウントでは実行できません。何も変更されていません。",
        "This account may not do that. Nothing was changed.",
    ),
    "error.code.agreement_required": (
        "「同意する」にチェックが必要です。何も変更されていません。",
        "「同意する」 is required. Nothing was changed.",
    ),
    "error.code.schedule_in_past": (
        "予約日時が過去です。何も変更されていません。",
        "The schedule is in the past. Nothing was changed.",
    ),
    "error.code.too_many_devices": (
        "一度に送れる台数を超えました。何も変更されていません。",
        "Too many devices in one call. Nothing was changed.",
    ),
    "error.code.rate_limited": (
        "サーバーが要求を制限しています。しばらく待ってから再度お試しください。",
        "The server is limiting requests. Wait a moment and try again.",
    ),
    "error.code.already_executed": (
        "この要求はすでに実行されたため、取り消せません。",
        "The request has already executed and can no longer be cancelled.",
    ),
    "error.code.idempotency_key_reused": (
        "同じ冪等キーが別の内容で使われています。何も変更されていません。",
        "The idempotency key was already used with other content. Nothing was changed.",
    ),
    "error.code.protocol_error": (
        "サーバーの応答が送った端末と一致しません（プロトコルエラー）。応答の内容は信用せず、"
        "以降のバッチは送っていません。サーバー（またはゲートウェイ）を直してから「再開」してください。",
        "The server's answer does not match the devices sent (protocol error). Nothing in it is "
        "trusted and no further batch was sent. Fix the server (or its gateway), then 「Resume」.",
    ),
    "error.code.not_found": (
        "見つかりません（権限の範囲外の可能性があります）。",
        "Not found (or outside this account's groups).",
    ),
    "error.code.invalid_credentials": (
        "アカウント名またはパスワードが正しくありません。",
        "The account name or password is wrong.",
    ),
    "error.code.unauthenticated": (
        "セッションが終了しました。もう一度ログインしてください。",
        "The session has ended; please log in again.",
    ),
    "error.code.method_not_allowed": (
        "サーバーがこの呼び出し方を受け付けません。何も変更されていません。",
        "The server does not accept this kind of call. Nothing was changed.",
    ),
    "error.code.body_too_large": (
        "要求が大きすぎるため、サーバーが受け付けませんでした。何も変更されていません。",
        "The request is too large for the server. Nothing was changed.",
    ),
    "error.code.invalid_body": (
        "サーバーが要求の内容を不正として拒否しました。何も変更されていません。",
        "The server refused the request as invalid. Nothing was changed.",
    ),
    "error.code.duplicate_key": (
        "要求の内容に同じ項目が二度あるため、サーバーが拒否しました。何も変更されていません。",
        "The request names a field twice, so the server refused it. Nothing was changed.",
    ),
    "error.code.invalid_query": (
        "サーバーが検索の条件を不正として拒否しました。",
        "The server refused the query as invalid.",
    ),
    "error.code.idempotency_key_required": (
        "この呼び出しには冪等キーが必要です。何も変更されていません。",
        "This call needs an idempotency key. Nothing was changed.",
    ),
    "error.code.internal_error": (
        "サーバー内部でエラーが発生しました。",
        "The server failed to handle the request.",
    ),
    "error.code.short_listing": (
        "端末の一覧（{endpoint}）が途中で終わりました（{total} 台のうち {listed} 台。"
        "サーバーは今も {now} 台と数えています）。不完全な一覧からは何も選べないため、使いません。",
        "The device listing ({endpoint}) is incomplete: the listing ended after {listed} of "
        "the {total} devices its first page announced, and the server still counts {now}: "
        "devices are missing from it, so it is refused (nothing is chosen from an incomplete "
        "listing).",
    ),
    "error.kind.api": (
        "管理APIがエラーを返しました。",
        "The management API reported an error.",
    ),
    "error.kind.validation": (
        "サーバーが要求を不正として拒否しました。何も変更されていません。",
        "The server refused the request as invalid. Nothing was changed.",
    ),
    "error.kind.server": (
        "サーバーが要求を処理できませんでした。",
        "The server failed to answer the request.",
    ),
    "error.kind.malformed": (
        "サーバーの応答を解釈できません（{endpoint}）。",
        "The server's answer could not be understood ({endpoint}).",
    ),
    "error.code.rate_limited.wait": (
        "サーバーが要求を制限しています。{seconds} 秒ほど待ってから再度お試しください。",
        "The server is limiting requests. Wait about {seconds} s and try again.",
    ),
    "error.login_slowdown": (
        "パスワードの誤りが続いたため、サーバーがこのアカウントのログインを一時的に制限しています。"
        "しばらく待ってから、もう一度パスワードを入力してください。",
        "After several wrong passwords the server is slowing down logins for this account. "
        "Wait a moment, then enter the password again.",
    ),
    "error.login_slowdown.wait": (
        "パスワードの誤りが続いたため、サーバーがこのアカウントのログインを一時的に制限しています。"
        "{seconds} 秒ほど待ってから、もう一度パスワードを入力してください。",
        "After several wrong passwords the server is slowing down logins for this account. "
        "Wait about {seconds} s, then enter the password again.",
    ),
    "error.maybe_processed": (
        "要求が処理されたかどうかは分かりません。",
        "The request may or may not have been processed.",
    ),
    "error.detail": ("詳細: {detail}", "Details: {detail}"),
    # why the server could not be reached (the transport's causes, in the admin's language)
    "error.cause.via": ("（プロキシ {proxy} 経由）", " (via proxy {proxy})"),
    "error.cause.connect_timeout": ("接続がタイムアウトしました{via}", "connecting timed out{via}"),
    "error.cause.no_answer": ("{limit} 秒以内に応答がありません", "no answer within {limit} s"),
    "error.cause.kept_sending": (
        "{limit} 秒以内に応答が終わりません（サーバーが送り続けています）",
        "no complete answer within {limit} s (the server kept sending)",
    ),
    "error.cause.call_deadline": (
        "再試行を含めて {limit} 秒以内に応答が終わりません",
        "no complete answer within {limit} s, retries included",
    ),
    "error.cause.proxy_refused": (
        "プロキシが接続を拒否しました{via}: {text}",
        "the proxy refused the connection{via}: {text}",
    ),
    "error.cause.bad_address": ("使えないアドレスです: {text}", "unsupported address: {text}"),
    "error.cause.corrupted": ("応答が壊れて届きました", "the answer arrived corrupted"),
    "error.cause.lost": (
        "応答が届く前に接続が切れました",
        "the connection was lost before the answer arrived",
    ),
    "error.cause.tls_verify": (
        "TLS 証明書の検証に失敗しました（{text}）{via}",
        "TLS certificate verification failed ({text}){via}",
    ),
    "error.cause.tls": (
        "TLS ハンドシェイクに失敗しました（{text}）{via}",
        "TLS handshake failed ({text}){via}",
    ),
    "error.cause.dns": (
        "ホスト名を解決できません{via}",
        "the host name could not be resolved{via}",
    ),
    "error.cause.refused": ("接続を拒否されました{via}", "connection refused{via}"),
    "error.cause.cannot_connect": ("接続できません（{text}）{via}", "cannot connect ({text}){via}"),
    "error.cause.ca_bundle": (
        "CA証明書ファイル {path} を読み込めません: {text}",
        "cannot load the CA bundle {path}: {text}",
    ),
    # {text} is the ssl module's own English: for the English run only
    "error.cause.ca_bundle.not_pem": (
        "PEM 形式の CA 証明書として読めません",
        "{text}",
    ),
    "error.cause.socks": (
        "socks5:// のプロキシには socksio パッケージが必要です（pip install 'httpx[socks]'）",
        "a socks5:// proxy needs the 'socksio' package (pip install 'httpx[socks]')",
    ),
    "error.outcome_unknown": (
        "結果は不明です。この呼び出しの先の試行がサーバーに届いて処理された可能性があるため、"
        "サーバーの応答（{detail}）は「何も変更されていない」ことを示しません。"
        "処理は開いたままです。「再開」すると同じキーで送り直します。",
        "The outcome is unknown: an earlier attempt of this call may have reached the server, "
        "so its answer ({detail}) does not prove that nothing changed. The operation stays "
        "open: 「Resume」 sends it again under the same key.",
    ),
    "error.overlap": (
        "送信していません: 選んだ端末のうち {count} 台（{devices}）は、終わっていない一括処理 "
        "{operation} に含まれ、結果がまだ分かりません。新しいキーで送ると二重に処理される"
        "おそれがあります。先に処理 {operation} を「再開」するか「取りやめ」てください。",
        "Nothing was sent: {count} of the chosen devices ({devices}) are in operation "
        "{operation}, which is not finished, and their outcome there is unknown (a new key "
        "could act on them twice). Resume or abandon operation {operation} first.",
    ),
    "error.bulk_incomplete": (
        "一括処理が途中で止まりました: {cause}",
        "The bulk run stopped before it finished: {cause}",
    ),
    "error.bulk_incomplete.count": (
        "一括処理が途中で止まりました（{total} バッチのうち {done} バッチ完了）。",
        "The bulk run stopped before it finished: {done} of {total} batches done.",
    ),
    "error.retry_hint": ("r: もう一度接続します。", "r: connect again."),
    "logout": ("ログアウト", "Log out"),
    "help.logout": (
        "トークンを失効させ、保存したトークンを削除して終了",
        "revoke the token, delete the cached one, quit",
    ),
    "error.server_said": ("サーバーの説明: {detail}", "The server said: {detail}"),
    "error.not_chosen": (
        "次の {count} 台は選択した端末ではなくなっているため、何も送信していません"
        "（IDが別の端末を指しているか、アカウントのグループ外です）: {devices}",
        "Nothing was sent: {count} device(s) are no longer the devices chosen (the id now "
        "names another device, or it is outside this account's groups): {devices}",
    ),
    "error.journal": (
        "ジャーナルに書き込めません。処理を止めました: {detail}",
        "Cannot write the journal; the run was stopped: {detail}",
    ),
    # errors shown to the admin
    "error.title": ("エラー", "Error"),
    "error.unexpected": (
        "予期しないエラーが発生しました（{kind}）。",
        "An unexpected error occurred ({kind}).",
    ),
    "error.unreachable": (
        "サーバーに接続できません: {detail}。",
        "Cannot reach the server: {detail}.",
    ),
    "error.files": (
        "mobitui のファイルまたはフォルダーを使えません: {detail}",
        "A file or folder of mobitui cannot be used: {detail}",
    ),
}
