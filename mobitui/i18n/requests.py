"""The requests screen (inactivation requests and their devices)."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # requests screen
    "requests.title": ("インアクティベーション要求", "Inactivation requests"),
    "requests.col.id": ("要求ID", "Request"),
    "requests.col.status": ("状態", "Status"),
    "requests.col.created": ("登録日時", "Registered"),
    "requests.col.scheduled": ("予約日時", "Scheduled"),
    "requests.col.progress": ("進み具合", "Progress"),
    "requests.progress": (
        "完了 {done} / 待ち {pending} / 計 {total}",
        "{done} done / {pending} waiting / {total}",
    ),
    "requests.empty": ("インアクティベーション要求はありません。", "No inactivation requests."),
    "requests.stalled": (
        "⚠ {count} 台は要求の実行後に一度も通信していません。f で強制インアクティベーションへ",
        "⚠ {count} device(s) have not communicated since the request executed. "
        "f: forced inactivation",
    ),
    "requests.cancel_confirm": (
        "予約済みの要求 {id} を取り消しますか？（{count} 台）",
        "Cancel the scheduled request {id}? ({count} devices)",
    ),
    "requests.cancelled": ("要求 {id} を取り消しました。", "Request {id} was cancelled."),
    "requests.cancel_mismatch": (
        "要求 {id} の取り消しに、サーバーは別の要求 {other} について応答しました"
        "（プロトコルエラー）。{id} が取り消されたかは不明です。一覧で確認してください。",
        "The server answered the cancellation of request {id} about another request, {other} "
        "(a protocol error): whether {id} was cancelled is unknown; check the list.",
    ),
    "requests.not_cancellable": (
        "取り消せるのは予約済みの要求だけです。",
        "Only a scheduled request can be cancelled.",
    ),
    "key.requests.cancel": ("予約を取消", "cancel request"),
    "key.requests.force": ("強制インアクティベーション", "force silent ones"),
    "key.requests.close": ("閉じる", "close"),
    "key.requests.refresh": ("更新", "refresh"),
    "key.main.requests": ("要求一覧", "requests"),
    "help.dialog_steps": (
        "（一括処理の画面）ヘルプページの手順を表示",
        "(bulk dialogs) show the help page's steps",
    ),
    "help.requests_cancel": (
        "（要求一覧）予約済みの要求を取り消す（確認あり）",
        "(requests) cancel a scheduled request (asks first)",
    ),
    "help.requests_force": (
        "（要求一覧）無通信の端末を強制インアクティベーション",
        "(requests) forced inactivation of the silent devices",
    ),
    "help.requests": (
        "インアクティベーション要求の一覧（進み具合、予約の取消）",
        "inactivation requests (progress, cancel a scheduled one)",
    ),
}
