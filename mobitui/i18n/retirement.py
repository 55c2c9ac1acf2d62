"""The retirement record: its stages (the view's buckets) and its report."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # the buckets (mobitui.domain.retirement.Stage)
    "retirement.stage.active": ("有効", "Active"),
    "retirement.stage.requested": ("要求済み・端末の応答待ち", "Requested, waiting for the device"),
    "retirement.stage.on_device": ("端末側の作業待ち", "Waiting for on-device work"),
    "retirement.stage.stalled": ("通信なし", "Not communicating"),
    "retirement.stage.inactive": ("無効", "Inactive"),
    "retirement.stage.deleted": ("削除済み", "Deleted"),
    "retirement.stage.attention": ("拒否・失敗あり", "Refused or failed"),
    # whether the local record and the server's audit log agree
    "retirement.agreement.agree": ("一致", "agree"),
    "retirement.agreement.disagree": ("不一致", "disagree"),
    "retirement.agreement.not_available": (
        "確認できません（サーバーの監査ログなし）",
        "not available",
    ),
    "retirement.agreement.nothing": ("操作なし", "nothing sent"),
    # a name the admin gives (mobitui.domain.retirement.name_problem)
    "retirement.rename.empty": (
        "名前が空です",
        "the name is empty",
    ),
    "retirement.rename.too_long": (
        "名前が長すぎます（{length} 文字、最大 {max} 文字）",
        "the name is too long ({length} characters, at most {max})",
    ),
    "retirement.rename.hidden": (
        "名前に制御文字または見えない文字が含まれています",
        "the name holds a control or invisible character",
    ),
    "retirement.rename.done": (
        "記録 {id} の名前を変更しました: {name}",
        "retirement {id} renamed: {name}",
    ),
    # the report
    "retirement.report.title": ("端末の廃止記録: {name}", "Retirement: {name}"),
    "retirement.report.server": ("サーバー", "Server"),
    "retirement.report.account": ("アカウント", "Account"),
    "retirement.report.created": ("作成日時", "Created"),
    "retirement.report.generated": ("出力日時", "Generated"),
    "retirement.report.summary": ("内訳", "Summary"),
    "retirement.report.devices": ("端末", "Devices"),
    "retirement.report.count": ("台数", "Devices"),
    "retirement.report.not_by_us": (
        "この記録の操作によらず一覧から消えました",
        "vanished from the fleet without this retirement",
    ),
    "retirement.col.device_id": ("端末ID", "Device ID"),
    "retirement.col.name": ("端末名", "Name"),
    "retirement.col.serial": ("シリアル番号", "Serial number"),
    "retirement.col.user": ("ユーザー", "User"),
    "retirement.col.stage": ("段階", "Stage"),
    "retirement.col.requested_at": ("要求日時", "Requested"),
    "retirement.col.request_ids": ("要求ID", "Request IDs"),
    "retirement.col.inactive_at": ("無効になった日時", "Inactive"),
    "retirement.col.forced_at": ("強制インアクティベーション日時", "Forced"),
    "retirement.col.deleted_at": ("削除日時", "Deleted"),
    "retirement.col.by": ("操作したアカウント", "By"),
    "retirement.col.acknowledged": ("確認した警告", "Warnings acknowledged"),
    "retirement.col.on_device": ("端末側の作業", "On-device work"),
    "retirement.col.c_done_at": ("手順C 完了日時", "Procedure C done"),
    "retirement.col.problem": ("拒否・失敗", "Refused or failed"),
    "retirement.col.audit": ("監査ログとの照合", "Audit records"),
    # the retirement view (登録解除の進み具合)
    "retirement.view.title": ("登録解除の進み具合: {name}", "Retirement progress: {name}"),
    "retirement.view.summary": (
        "{stage}: {count} 台（全 {total} 台）",
        "{stage}: {count} of {total} devices",
    ),
    "retirement.view.nothing": (
        "{stage}: 対象の端末がありません",
        "{stage}: no device to act on",
    ),
    "retirement.view.save_failed": (
        "記録を保存できません: {detail}",
        "The record could not be saved: {detail}",
    ),
    "retirement.view.need_devices": (
        "端末を選択するか、グループを開いてください",
        "Check devices or open a group first",
    ),
    "key.retirement.close": ("閉じる", "close"),
    "key.retirement.next": ("次の操作", "next step"),
    "key.retirement.inactivate": ("インアクティベーション", "inactivate"),
    "key.retirement.force": ("強制インアクティベーション", "force"),
    "key.retirement.delete": ("削除", "delete"),
    "key.retirement.checklist": ("端末側の作業", "on-device steps"),
    "key.retirement.refresh": ("更新", "refresh"),
    "key.retirement.report": ("報告書", "report"),
    "key.retirement.rename": ("名前を変更", "rename"),
    "retirement.view.rename": ("記録の名前を変更", "Rename the record"),
    "retirement.back": ("進み具合に戻る", "Back to the progress"),
    "key.retirement.sheets": ("手順書", "sheets"),
    "retirement.view.no_sheets": (
        "端末側の作業が必要な端末はありません",
        "No device needs on-device work",
    ),
    "retirement.export.title": ("報告書を書き出す", "Export the report"),
    "retirement.export.hint": (
        "書き出すファイル（.md: Markdown、.csv: CSV）。既存のファイルは上書きしません",
        "File to write (.md: Markdown, .csv: CSV). An existing file is never overwritten",
    ),
    "retirement.export.done": (
        "報告書を書き出しました（{count} 台、監査ログとの照合: {audit}）: {path}",
        "Report written ({count} devices, audit records: {audit}): {path}",
    ),
    "retirement.export.failed": (
        "報告書を書き出せません: {detail}",
        "The report could not be written: {detail}",
    ),
    "retirement.export.audit_on": ("あり", "compared"),
    "key.main.retirement": ("登録解除の進み具合", "retirement"),
    "help.retirement": (
        "選択した端末（なければ開いているグループ）の登録解除の進み具合",
        "retirement progress of the checked devices (else the open group)",
    ),
    "help.retirement_keys": (
        "（進み具合）Enter 段階の次の操作、a 有効→インアクティベーション、"
        "f 通信なし・応答待ち・端末側の作業待ち→強制、d 無効→削除、w 端末側の作業、"
        "s 手順書、e 報告書、n 名前を変更",
        "(retirement) Enter the stage's next step, a inactivate the active, f force the "
        "stalled, pending or stuck on the device, d delete the inactive, w on-device steps, "
        "s sheets, e report, n rename",
    ),
    "menu.retirement": ("登録解除の進み具合", "Retirement progress"),
}
