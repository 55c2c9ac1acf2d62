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
        "サーバーに接続できません: {detail}",
        "Cannot reach the server: {detail}",
    ),
    "error.files": (
        "mobitui のファイルまたはフォルダーを使えません: {detail}",
        "A file or folder of mobitui cannot be used: {detail}",
    ),
}
