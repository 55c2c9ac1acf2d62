"""The on-device checklist of procedures C and D."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # the on-device checklist (procedures C and D)
    "checklist.title": ("端末側の作業", "On-device steps"),
    "checklist.empty": (
        "端末側の作業が必要な端末はありません。",
        "No device needs on-device work.",
    ),
    "checklist.col.progress": ("進み", "Done"),
    "checklist.request": ("要求ID: {id}", "Request: {id}"),
    "checklist.no_request": ("インアクティベーション要求なし", "no inactivation request"),
    "checklist.all_done": (
        "✓ この端末の手順はすべて完了しました。",
        "✓ Every step of this device is done.",
    ),
    "checklist.succeeded": (
        "✓ 管理画面のインアクティベーション要求は成功しました（端末は無効になりました）。",
        "✓ The inactivation request succeeded in the console (the device is inactive now).",
    ),
    "checklist.waiting": (
        "◐ 端末の応答を待っています（インアクティベーション要求中）。",
        "◐ Waiting for the device (inactivation pending).",
    ),
    "checklist.scheduled": (
        "予約済みの要求です: 実行されるまで端末には何も届きません。",
        "The request is scheduled: nothing reaches the device until it runs.",
    ),
    "checklist.countdown": (
        "⏱ ダウンロードしたプロファイルは残り {left} で自動削除されます。手順11までに"
        "インストールを終えてください。",
        "⏱ The downloaded profile deletes itself in {left}: finish installing it (to step 11) "
        "before then.",
    ),
    "checklist.expired": (
        "⚠ ダウンロードから8分が過ぎ、プロファイルは自動削除されました。もう一度、"
        "クライアントアプリの通知をタップして「許可」からやり直してください"
        "（r: 手順Dを最初から）。",
        "⚠ Eight minutes have passed: the downloaded profile is gone. Have the user tap the "
        "client app's notification and 「許可」 again (r: procedure D from the start).",
    ),
    "checklist.failed": (
        "⚠ インストールがキャンセルされた、またはできなかった場合: 端末の制限は解除されず、"
        "プロファイルも削除できないままです。クライアントアプリから端末登録をやり直し、"
        "インアクティベーションを最初から実行してください（N: 新しいインアクティベーション）。",
        "⚠ Install cancelled or impossible: the device keeps its restrictions and its profile. "
        "Enroll it again from the client app, then start the inactivation over (N: a new "
        "inactivation).",
    ),
    "checklist.failed_pending": (
        "端末はまだ「インアクティベーション要求中」です。再登録されて「有効」になると、"
        "新しいインアクティベーションを実行できます。",
        "The device is still pending: once it is enrolled again (active), a new inactivation "
        "can run.",
    ),
    "checklist.stalled": (
        "⚠ 要求の実行後、{since} 以上通信がありません。端末が初期化済み、クライアントアプリを"
        "削除した、故障して修理に出している場合は、通常のインアクティベーションは完了しません: "
        "強制インアクティベーションを使ってください（f）。",
        "⚠ No contact for over {since} since the request ran. If the device was wiped, its "
        "client app deleted, or it is away for repair, a normal inactivation never completes: "
        "use forced inactivation (f).",
    ),
    "checklist.forced": (
        "この端末は強制インアクティベーションされました。端末には何も届いていません。"
        "端末側のプロファイルと制限は、端末を初期化するまで残ります。",
        "This device was force-inactivated: nothing reached it. Its profile and restrictions "
        "stay until it is reset.",
    ),
    "checklist.none": (
        "この端末で必要な作業はありません。",
        "Nothing needs to be done on this device.",
    ),
    "checklist.unknown": (
        "この端末にはインアクティベーション要求がないため、必要な作業は分かりません。",
        "This device has no inactivation request: no on-device work is known.",
    ),
    "checklist.gone": ("この端末は削除されました。", "This device was deleted."),
    "checklist.unsaved": (
        "チェックを保存できません（メモリ上のみ）: {detail}",
        "Ticks cannot be saved (kept in memory only): {detail}",
    ),
    "checklist.copied": (
        "{what}をクリップボードにコピーしました（OSC 52）。",
        "Copied {what} to the clipboard (OSC 52).",
    ),
    "checklist.copied.sheet": ("指示書", "the sheet"),
    "checklist.copied.serial": ("シリアル番号", "the serial number"),
    "checklist.copied.request": ("要求ID", "the request id"),
    "key.checklist.tick": ("完了にする", "tick"),
    "key.checklist.next": ("次の端末", "next device"),
    "key.checklist.previous": ("前の端末", "previous"),
    "key.checklist.export": ("指示書", "sheets"),
    "key.checklist.export_all": ("全端末の指示書", "all sheets"),
    "key.checklist.copy_sheet": ("指示書をコピー", "copy sheet"),
    "key.checklist.copy_serial": ("シリアルをコピー", "copy serial"),
    "key.checklist.copy_request": ("要求IDをコピー", "copy request id"),
    "key.checklist.failed": ("インストール失敗", "install failed"),
    "key.checklist.restart": ("手順Dをやり直す", "restart D"),
    "key.checklist.reinactivate": ("新しいインアクティベーション", "new inactivation"),
    "key.checklist.force": ("強制インアクティベーション", "forced inactivation"),
    "key.checklist.close": ("閉じる", "close"),
    "key.requests.checklist": ("端末側の作業", "on-device steps"),
    "key.main.checklist": ("端末側の作業", "on-device steps"),
    "help.checklist": (
        "選択した端末の端末側の作業（チェックリスト、指示書）",
        "on-device steps of the checked devices (checklist, sheets)",
    ),
    "help.checklist_keys": (
        "（端末側の作業）Space 完了、n/p 端末、e/E 指示書、y/s/c コピー、x 失敗、r やり直し",
        "(on-device steps) Space tick, n/p device, e/E sheets, y/s/c copy, x failed, r restart",
    ),
}
