"""Resuming an operation an interruption left open."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # resume after an interruption
    "resume.title": ("中断した一括処理", "Unfinished bulk operation"),
    "resume.summary": (
        "{at} に開始した「{action}」（{total} 台）が完了していません: "
        "完了 {done} 台 / 未完了 {open} 台。",
        "「{action}」 started {at} ({total} devices) did not finish: {done} done, {open} not done.",
    ),
    "resume.explain": (
        "「再開」は未完了の分だけを同じ内容で送ります。応答を受け取れなかった分も、"
        "同じ冪等キーで送るため二重に実行されることはありません。",
        "「Resume」 sends only what is not done, with the same content. Batches whose answer "
        "was lost are sent with the same idempotency key, so nothing runs twice.",
    ),
    "resume.later": ("後で", "Later"),
    "resume.unreadable": (
        "読めないジャーナルがあります（削除せずに残しています）: {detail}",
        "A journal could not be read (left untouched): {detail}",
    ),
    "resume.busy": (
        "この処理は別の mobitui が実行中です。",
        "Another mobitui is running this operation.",
    ),
}
