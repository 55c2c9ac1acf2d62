"""The action menu and the step-by-step dialogs of procedures A, B and E."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # action menu
    "menu.checked": ("選択中の端末: {count} 台", "Checked devices: {count}"),
    "menu.reason.operator": (
        "オペレーターは実行できません",
        "operators cannot run destructive actions",
    ),
    "menu.reason.read_only": ("読み取り専用モード", "read-only mode"),
    "menu.reason.none_checked": ("端末が選択されていません", "no device is checked"),
    "menu.reason.no_delete_permission": (
        "端末削除の権限がありません",
        "this account lacks the device-deletion permission",
    ),
    # the step-by-step dialogs (procedures A, B, E)
    "step": ("手順{number}", "Step {number}"),
    "action.title.inactivate": ("一括インアクティベーション", "Bulk inactivation"),
    "action.title.force_inactivate": ("一括強制インアクティベーション", "Bulk forced inactivation"),
    "action.title.delete": ("端末一括削除", "Bulk device deletion"),
    "action.summary": (
        "選択した {checked} 台: 実行 {acted} 台 / 対象外 {skipped} 台",
        "{checked} checked: {acted} to act on / {skipped} left alone",
    ),
    "action.jobs": (
        "実行時にキャンセルされるジョブ: {jobs} 件",
        "Jobs cancelled when it executes: {jobs}",
    ),
    "action.work": ("端末側の作業: {parts}", "On-device work: {parts}"),
    "action.nothing_to_do": (
        "実行できる端末がありません（すべて対象外です）。",
        "No device can be acted on (all are left alone).",
    ),
    "action.show_steps": ("F1: ヘルプページの手順", "F1: the help page's steps"),
    "action.count_confirm": (
        "{count} 台に実行します。確認のため台数を入力してください",
        "This acts on {count} devices. Type the number of devices to confirm",
    ),
    "action.ack": (
        "上記の {count} 台について理解しました",
        "I understand, for these {count} devices",
    ),
    "action.changed": (
        "表示中に端末の状態が変わったため、内容を再計算しました。確認して、"
        "もう一度「同意する」にチェックしてください。",
        "Devices changed while this was open: the preflight was recomputed. Check it, then "
        "tick 「同意する」 again.",
    ),
    "action.gone": (
        "{count} 台は削除されたか見えなくなったため、対象から外しました。",
        "{count} device(s) were deleted or are no longer visible and were taken out.",
    ),
    "action.why_disabled": ("OK できない理由: {reasons}", "OK is disabled: {reasons}"),
    "action.need.password": ("パスワード未入力", "no password"),
    "action.need.agree": ("「同意する」未チェック", "「同意する」 not ticked"),
    "action.need.ack": ("警告の確認が必要", "warnings to acknowledge"),
    "action.need.count": ("台数の確認が必要", "device count to confirm"),
    "action.need.devices": ("実行できる端末がありません", "no device to act on"),
    "action.stop": ("中断", "Stop"),
    "action.stopping": (
        "中断しています（送信中の分の応答を待っています）…",
        "Stopping (waiting for the batches in flight)…",
    ),
    "action.sending": ("送信中", "Sending"),
    "action.progress": ("{done} / {total} 台", "{done} / {total} devices"),
    "action.eta": ("残り約 {eta}", "about {eta} left"),
    "action.done.inactivate": (
        "インアクティベーション要求が登録されました。",
        "The inactivation request was registered.",
    ),
    "action.done.inactivate_scheduled": (
        "インアクティベーション要求が登録されました（予約: {at}）。",
        "The inactivation request was registered (scheduled: {at}).",
    ),
    "action.done.force_inactivate": (
        "強制インアクティベーションを実行しました。",
        "Forced inactivation done.",
    ),
    "action.done.delete": ("端末を削除しました。", "The devices were deleted."),
    "action.request_ids": ("要求ID: {ids}", "Request id: {ids}"),
    "action.cancelled_jobs": ("キャンセルされたジョブ: {jobs} 件", "Jobs cancelled: {jobs}"),
    "action.result_counts": ("結果: {parts}", "Outcome: {parts}"),
    "action.not_done": (
        "未完了 {count} 台: 送信されていないか、応答を受け取れませんでした。"
        "「再開」で続けます（完了した分は再送しません）。",
        "{count} device(s) not done: not sent, or the answer was lost. 「Resume」 goes on "
        "(nothing already done is sent again).",
    ),
    "action.no_outcome": (
        "{count} 台はサーバーの応答に結果がなく、実行されたかどうか不明です: {ids}。"
        "端末一覧で現在の状態を確認できます。再開すると同じ冪等キー・同じ内容で問い合わせ直します"
        "（二重に実行されることはありません）。",
        "{count} device(s) have no outcome in the server's answer, so whether they were acted "
        "on is unknown: {ids}. The grid shows their current state; resuming asks the server "
        "again with the same idempotency key and content (nothing runs twice).",
    ),
    "action.refused_batch": (
        "{count} 台はサーバーに拒否されました（何も変更されていません）: {reason}",
        "{count} device(s) were refused by the server (nothing changed): {reason}",
    ),
    "action.resume": ("再開", "Resume"),
    "action.abandon": ("残りを取りやめる", "Give up the rest"),
    "action.abandon_confirm": (
        "未完了の {count} 台を取りやめますか？応答を受け取れなかった端末は、"
        "実行されている場合があります（端末一覧で現在の状態を確認してください）。",
        "Give up the {count} device(s) not done? Devices whose answer was lost may have been "
        "acted on: the grid shows their current state.",
    ),
    "col.result": ("結果", "Outcome"),
    "col.work": ("端末側", "On device"),
    "col.warnings": ("警告", "Warnings"),
    "plan.accepted.inactivate": ("実行", "inactivate"),
    "plan.accepted.force_inactivate": ("強制実行", "force"),
    "plan.accepted_delete.force_inactivate": ("強制実行→削除", "force, then delete"),
    "plan.deleted": ("削除", "delete"),
    "plan.delete_only": ("削除（無効済み）", "delete (already inactive)"),
    "reason.already_inactive": ("対象外: 無効", "left alone: inactive"),
    "reason.already_pending": ("対象外: 要求中", "left alone: pending"),
    "reason.already_scheduled": ("対象外: 予約済み", "left alone: scheduled"),
    "reason.device_not_inactive": ("対象外: 無効ではない", "refused: not inactive"),
    "reason.not_found": ("対象外: 見つからない", "not found"),
    "outcome.accepted": ("受付", "accepted"),
    "outcome.skipped": ("スキップ", "skipped"),
    "outcome.deleted": ("削除", "deleted"),
    "outcome.refused": ("拒否", "refused"),
    "outcome.open": ("未完了", "not done"),
    "outcome.no_outcome": ("不明（応答に結果なし）", "unknown (no outcome in the answer)"),
    "work.none": ("なし", "none"),
    "work.C": ("C: プロファイル削除", "C: remove profile"),
    "work.D": ("D: 端末側処理", "D: on-device"),
    "work.D+C": ("D→C", "D then C"),
    "work.nothing_reaches": ("届かない", "nothing sent"),
    "warn.tag.dep_profile_removal_forbidden": ("DEP削除禁止", "DEP"),
    "warn.tag.silent_wlan": ("WLAN", "Wi-Fi"),
    "warn.tag.safari_restricted": ("Safari制限", "Safari"),
    "warn.tag.android_factory_reset": ("初期化", "WIPE"),
    "warn.tag.profile_option_not_applicable": ("iOS以外", "not iOS"),
    "warn.tag.still_communicating": ("通信中", "online"),
    "warn.dep_profile_removal_forbidden": (
        "DEP端末でMDMプロファイルの削除を禁止しています。「有効にする」にチェックしないと、"
        "端末側でプロファイルを削除することはできません",
        "DEP devices that forbid removing the MDM profile: without 「有効にする」 the profile "
        "can never be removed on the device",
    ),
    "warn.silent_wlan": (
        "サイレント方式でWLAN設定を適用しています。プロファイル削除でそのネットワークに"
        "接続できなくなるため、あらかじめ別のネットワークに接続してください",
        "Wi-Fi applied silently: the device loses that network with the profile; connect it to "
        "another network first",
    ),
    "warn.safari_restricted": (
        "Hybrid MDMでSafariを制限しています。端末側のプロファイルのインストール画面に"
        "遷移しません（先にSafariの制限を解除してください）",
        "Hybrid MDM with Safari restricted: the on-device profile install screen will not "
        "appear (lift the Safari restriction first)",
    ),
    "warn.android_factory_reset": (
        "Android 11以降のDevice Owner端末です。インアクティベーションで端末が初期化され、"
        "データは消去されます",
        "Android 11+ enrolled as Device Owner: inactivation factory-resets the device and "
        "erases its data",
    ),
    "warn.profile_option_not_applicable": (
        "iOS/iPadOS以外の端末です。「有効にする」は適用されず、無視されます",
        "Not iOS/iPadOS: 「有効にする」 does not apply to these devices and is ignored",
    ),
    "warn.still_communicating": (
        "最近まで通信している端末です。強制インアクティベーションは誤りの可能性があります"
        "（端末側の制限は解除されず、初期化が必要になる場合があります）",
        "These devices communicated recently: forcing them is probably a mistake (their "
        "restrictions stay and may need a factory reset)",
    ),
    "warn.devices": ("{count} 台: {names}", "{count} device(s): {names}"),
    "warn.more": ("ほか {count} 台", "and {count} more"),
    "schedule.format": ("YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM"),
    "schedule.zone": ("（{zone}, UTC{offset}）", "({zone}, UTC{offset})"),
    "schedule.invalid": (
        "日時は YYYY-MM-DD HH:MM の形式で入力してください",
        "Enter the date and time as YYYY-MM-DD HH:MM",
    ),
    "schedule.past": (
        "予約日時が過去です（サーバーの現在時刻: {now}）",
        "The schedule is in the past (server time: {now})",
    ),
    "forced.when": (
        "通信できなくなった端末に使います: 初期化済み、クライアントアプリを削除した、"
        "故障して修理に出している、機種変更した、手元にない端末。",
        "For devices that can no longer communicate: wiped, client app deleted, away for "
        "repair, replaced by a new model, or no longer at hand.",
    ),
    "forced.nothing_reaches": (
        "端末には何も届きません。端末側のプロファイルと制限は、端末を初期化するまで残ります。",
        "Nothing reaches the device: its profile and restrictions stay until it is reset.",
    ),
    "forced.delete_after": (
        "強制インアクティベーション後に端末を削除する",
        "Delete the devices right after the forced inactivation",
    ),
    "deletion.only_inactive": (
        "削除できるのは無効の端末だけです（OSのアイコンがグレー）。",
        "Only inactive devices (grey OS icon) can be deleted.",
    ),
}
