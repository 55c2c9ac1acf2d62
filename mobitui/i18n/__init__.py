"""The message catalogue: every visible string, in Japanese and English, by stable key.

Japanese labels use the exact terms of the vendor's help page (shared/reference/procedure.md),
so an admin trained on the web console recognises every word. English is the fallback.
Language choice: ``--lang``, else the profile, else ``LANG`` (``ja_*`` → Japanese), else
English — see :func:`choose_lang`.

Step texts of the documented procedures are not here: they live with their step numbers in
``mobitui.domain.procedures``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from mobitui.domain.models import DeviceState, Enrollment, Platform

Lang = Literal["ja", "en"]

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: Mapping[str, tuple[str, str]] = {
    # the console's own terms
    "device_management": ("端末管理", "Device Management"),
    "group": ("グループ", "Group"),
    "bulk_inactivation": ("一括インアクティベーション", "Bulk inactivation"),
    "bulk_forced_inactivation": ("一括強制インアクティベーション", "Bulk forced inactivation"),
    "bulk_deletion": ("端末一括削除", "Bulk device deletion"),
    "inactivation_request": ("インアクティベーション要求", "Inactivation request"),
    "remove_apple_mdm_profile": ("Apple MDMプロファイル削除", "Remove Apple MDM profile"),
    "enable": ("有効にする", "Enable"),
    "schedule": ("スケジュール", "Schedule"),
    "set_schedule": ("予約日時を設定する", "Set a date and time"),
    "password": ("パスワード", "Password"),
    "agree": ("同意する", "I agree"),
    "ok": ("OK", "OK"),
    "delete": ("削除", "Delete"),
    "close": ("閉じる", "Close"),
    "delete_after_force": ("有効", "Enabled"),
    "job": ("ジョブ", "Job"),
    # device states and methods
    "state.active": ("有効", "Active"),
    "state.inactivation_pending": ("インアクティベーション要求中", "Inactivation pending"),
    "state.inactive": ("無効", "Inactive"),
    "enrollment.apple_mdm": ("Apple MDM方式", "Apple MDM"),
    "enrollment.hybrid_mdm": ("Hybrid MDM", "Hybrid MDM"),
    "enrollment.client_app": ("クライアントアプリ", "Client app"),
    "platform.ios": ("iOS", "iOS"),
    "platform.ipados": ("iPadOS", "iPadOS"),
    "platform.android": ("Android", "Android"),
    "platform.windows": ("Windows", "Windows"),
    "platform.macos": ("macOS", "macOS"),
    # grid columns
    "col.check": ("✓", "✓"),
    "col.name": ("端末名", "Name"),
    "col.os": ("OS", "OS"),
    "col.state": ("状態", "State"),
    "col.enrollment": ("登録方式", "Enrollment"),
    "col.user": ("ユーザー", "User"),
    "col.serial": ("シリアル番号", "Serial"),
    "col.last_seen": ("最終通信", "Last seen"),
    "col.jobs": ("ジョブ", "Jobs"),
    # main screen
    "all_devices": ("すべての端末", "All devices"),
    "filter.placeholder": (
        "絞り込み（端末名・シリアル番号・ユーザー・電話番号）",
        "Filter (name, serial, user, phone)",
    ),
    "status.counts": (
        "選択 {checked} / 表示 {shown} / 全 {total} 台",
        "{checked} checked / {shown} shown / {total} total",
    ),
    "status.filter": ("絞り込み: {query}", "filter: {query}"),
    "status.only_checked": ("選択した端末のみ", "checked only"),
    "status.subgroups": ("サブグループを含む", "with subgroups"),
    "status.sort": ("並び順: {column} {arrow}", "sort: {column} {arrow}"),
    "notice.still_loading": (
        "端末一覧を読み込み中です。読み込みが終わってから操作してください。",
        "The device list is still loading: actions wait until it is complete.",
    ),
    "notice.unchecked_deleted": (
        "選択していた {count} 台が他で削除されたため、選択を外しました。",
        "{count} checked device(s) were deleted elsewhere and lost their check mark.",
    ),
    "read_only": ("読み取り専用", "READ-ONLY"),
    "role.admin": ("管理者", "admin"),
    "role.operator": ("オペレーター", "operator"),
    "conn.connecting": ("接続中…", "connecting…"),
    "conn.syncing": ("同期中", "syncing"),
    "conn.connected": ("接続済み", "connected"),
    "conn.disconnected": ("切断", "disconnected"),
    # keys (Footer, help, command palette)
    "key.app.quit": ("終了", "quit"),
    "key.app.help": ("ヘルプ", "help"),
    "key.main.check_all": ("すべて選択", "check all"),
    "key.main.clear": ("解除", "clear"),
    "key.main.only_checked": ("選択のみ表示", "checked only"),
    "key.main.filter": ("絞り込み", "filter"),
    "key.main.menu": ("端末管理", "Device Mgmt"),
    "key.main.subgroups": ("サブグループ", "subgroups"),
    "key.main.sort": ("並び替え", "sort"),
    "key.main.reverse": ("逆順", "reverse"),
    "key.main.refresh": ("更新", "refresh"),
    "key.grid.check": ("選択", "check"),
    "key.grid.open": ("詳細", "detail"),
    "help.title": ("キー操作", "Keys"),
    "help.focus": ("サイドバーと端末一覧を移動", "move between sidebar and grid"),
    "help.open_group": ("（サイドバー）グループを開く", "(sidebar) open the group"),
    "help.move": ("カーソル移動", "move"),
    "help.check": ("カーソル位置の端末を選択／解除", "check / uncheck the device under the cursor"),
    "help.extend": ("移動しながら選択を広げる", "extend the check marks while moving"),
    "help.check_all": ("表示中の端末をすべて選択", "check every device shown (after the filter)"),
    "help.clear": ("絞り込みを解除、次に選択を解除", "clear the filter, then the check marks"),
    "help.only_checked": (
        "選択した端末のみ表示（切り替え）",
        "show only the checked devices (toggle)",
    ),
    "help.filter": (
        "入力しながら絞り込み（端末名・シリアル番号・ユーザー・電話番号）",
        "filter as you type (name, serial, user, phone)",
    ),
    "help.subgroups": ("サブグループの端末を含める（切り替え）", "include subgroups (toggle)"),
    "help.sort": ("並び替える列を切り替え／逆順", "next sort column / reverse the order"),
    "help.menu": ("「端末管理」メニューを開く", "open the 「端末管理」 action menu"),
    "help.detail": ("（端末一覧）端末の詳細", "(grid) device detail"),
    "help.refresh": ("今すぐ更新", "refresh now"),
    "help.palette": ("コマンドパレット", "command palette"),
    "help.help": ("このヘルプ", "this help"),
    "help.quit": ("終了（一括処理中は確認）", "quit (asks first if a bulk operation is running)"),
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
    # exporting instruction sheets
    "export.title": ("指示書の書き出し", "Export instruction sheets"),
    "export.count": ("{count} 台分の指示書を書き出します。", "Sheets for {count} device(s)."),
    "export.directory": ("書き出し先のフォルダー", "Folder"),
    "export.languages": ("言語", "Languages"),
    "export.formats": ("形式", "Formats"),
    "export.lang.ja": ("日本語", "Japanese"),
    "export.lang.en": ("英語", "English"),
    "export.format.md": ("Markdown (.md)", "Markdown (.md)"),
    "export.format.txt": ("テキスト (.txt)", "Plain text (.txt)"),
    "export.write": ("書き出す", "Export"),
    "export.nothing": (
        "言語と形式を少なくとも1つずつ選んでください。",
        "Choose at least one language and one format.",
    ),
    "export.done": (
        "{count} 個のファイルを書き出しました: {directory}",
        "Wrote {count} file(s) to {directory}",
    ),
    "export.failed": ("書き出せません: {detail}", "Cannot write the sheets: {detail}"),
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
    # login
    "login.title": ("ログイン", "Log in"),
    "login.server": ("サーバー: {server}", "Server: {server}"),
    "login.account": ("アカウント: {account}", "Account: {account}"),
    "login.submit": ("ログイン", "Log in"),
    "login.expired": (
        "セッションの有効期限が切れました。もう一度ログインしてください。",
        "Your session expired. Please log in again.",
    ),
    "cancel": ("キャンセル", "Cancel"),
    "yes": ("はい", "Yes"),
    "no": ("いいえ", "No"),
    # first-run profile form
    "profile.title": ("接続先の設定", "Connection profile"),
    "profile.intro": (
        "接続するサーバーとアカウントを設定します。パスワードは保存しません（ログイン時に入力）。",
        "Set the server and account to connect to. The password is never stored: "
        "it is asked at login.",
    ),
    "profile.name": ("プロファイル名", "Profile name"),
    "profile.name.hint": ("例: prod", "e.g. prod"),
    "profile.base_url": ("サーバーのURL", "Server URL"),
    "profile.base_url.hint": ("https://…", "https://…"),
    "profile.account": ("アカウント", "Account"),
    "profile.account.hint": ("ログインするアカウント", "the account to log in as"),
    "profile.ca_bundle": ("CA証明書ファイル（任意）", "CA bundle file (optional)"),
    "profile.ca_bundle.hint": ("/path/to/ca.pem", "/path/to/ca.pem"),
    "profile.proxy": ("プロキシ（任意）", "Proxy (optional)"),
    "profile.proxy.hint": ("http://proxy:8080", "http://proxy:8080"),
    "profile.lang": ("表示言語", "Language"),
    "profile.save": ("保存", "Save"),
    # detail
    "detail.id": ("端末ID", "Device id"),
    "detail.platform": ("プラットフォーム", "Platform"),
    "detail.model": ("機種", "Model"),
    "detail.phone": ("電話番号", "Phone number"),
    "detail.dep": ("DEP端末", "DEP device"),
    "detail.dep_forbids": ("MDMプロファイル削除の禁止", "MDM profile removal forbidden"),
    "detail.android_owner": ("Device Owner", "Device Owner"),
    "detail.silent_wlan": ("サイレント方式でWLAN設定", "Wi-Fi applied silently"),
    "detail.safari_restricted": ("Safariの制限", "Safari restricted"),
    "detail.none": ("なし", "none"),
    "detail.request_status": ("要求の状態", "Request status"),
    "detail.request_progress": ("この端末の進み具合", "This device's progress"),
    "detail.requested_at": ("登録日時", "Requested at"),
    "detail.close_hint": (
        "Esc で閉じる · w 端末側の作業",
        "Esc to close · w on-device steps",
    ),
    "request.scheduled": ("予約済み", "scheduled"),
    "request.in_progress": ("実行中", "in progress"),
    "request.completed": ("完了", "completed"),
    "request.cancelled": ("取り消し", "cancelled"),
    "progress.scheduled": ("予約済み", "scheduled"),
    "progress.pending": ("端末の応答待ち", "waiting for the device"),
    "progress.done": ("完了", "done"),
    "progress.superseded": ("強制インアクティベーション／削除済み", "forced or deleted"),
    "progress.cancelled": ("取り消し", "cancelled"),
    # quitting
    "quit.title": ("終了", "Quit"),
    "quit.bulk_running": (
        "一括処理の実行中です。終了しても、次回起動時に再開できます。終了しますか？",
        "A bulk operation is running. It can be resumed at the next launch. Quit now?",
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
    "error.invalid_credentials": (
        "アカウントまたはパスワードが正しくありません。",
        "Wrong account or password.",
    ),
    "error.config": (
        "設定ファイルを読めません: {detail}",
        "Cannot read the configuration: {detail}",
    ),
    "error.files": (
        "mobitui のファイルまたはフォルダーを使えません: {detail}",
        "A file or folder of mobitui cannot be used: {detail}",
    ),
}


class Catalogue:
    """Messages in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self._index = 0 if lang == "ja" else 1

    def __call__(self, key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            raise KeyError(f"no message {key!r}")
        text = pair[self._index]
        return text.format(**values) if values else text

    def state(self, state: DeviceState) -> str:
        return self(f"state.{state.value}")

    def enrollment(self, enrollment: Enrollment) -> str:
        return self(f"enrollment.{enrollment.value}")

    def platform(self, platform: Platform) -> str:
        return self(f"platform.{platform.value}")


def choose_lang(cli: str | None, profile: str | None, environ: Mapping[str, str]) -> Lang:
    """``--lang``, else the profile's language, else the locale (``ja_*``), else English."""
    for choice in (cli, profile):
        if choice in ("ja", "en"):
            return choice  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
