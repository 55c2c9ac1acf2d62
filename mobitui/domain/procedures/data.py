"""The documented step sequences A–E of device retirement, as data: steps, texts and notes.

The step numbers are the vendor help page's own (shared/reference/unregister-devices.ja.txt,
read through shared/reference/procedure.md), and the Japanese texts quote its exact UI terms
(「端末管理」, 「一括インアクティベーション」, 「VPNとデバイス管理」 …), so an admin reading a
sheet or a checklist recognises the page they know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mobitui.domain.models import Enrollment, Platform
from mobitui.domain.procedures.conditions import (
    ALWAYS,
    APPLE_MOBILE,
    Condition,
    Flag,
    OsRange,
    apple,
)
from mobitui.domain.text import Localized


class ProcedureId(StrEnum):
    A = "A"  # 管理画面からインアクティベーションを実施する
    B = "B"  # 強制インアクティベーション
    C = "C"  # 端末側でプロファイルを削除する (Apple MDM profile)
    D = "D"  # 端末側でインアクティベーション処理を実行する (Hybrid MDM)
    E = "E"  # 管理画面から端末を削除する


class NoteId(StrEnum):
    # A: intro
    MISTAKE_MAY_NEED_FACTORY_RESET = "mistake_may_need_factory_reset"
    UNREACHABLE_USE_FORCED = "unreachable_use_forced"
    # A step 6 (「有効にする」)
    PROFILE_OPTION_REMOVES_PROFILE = "profile_option_removes_profile"
    OPTION_OFF_NEEDS_C = "option_off_needs_c"
    DEP_FORBIDS_DEVICE_REMOVAL = "dep_forbids_device_removal"
    SILENT_WLAN_CONNECT_ELSEWHERE = "silent_wlan_connect_elsewhere"
    PROFILE_OPTION_IGNORED = "profile_option_ignored"
    # A step 7, 10, 11
    RUNS_AT_ONCE_UNLESS_SCHEDULED = "runs_at_once_unless_scheduled"
    ANDROID_11_DEVICE_OWNER_FACTORY_RESET = "android_11_device_owner_factory_reset"
    JOBS_CANCELLED = "jobs_cancelled"
    # B
    FORCED_PURPOSE = "forced_purpose"
    FORCED_KEEPS_RESTRICTIONS = "forced_keeps_restrictions"
    DELETE_AFTER_NEEDS_PERMISSION = "delete_after_needs_permission"
    # C
    C_NOT_NEEDED_WHEN_OPTION_CHECKED = "c_not_needed_when_option_checked"
    IOS_15_VPN_DEVICE_MANAGEMENT_LABEL = "ios_15_vpn_device_management_label"
    APPLE_MDM_PROFILE_LOCATION = "apple_mdm_profile_location"
    # D
    D_NOT_NEEDED_FOR_APPLE_MDM = "d_not_needed_for_apple_mdm"
    D_PURPOSE = "d_purpose"
    NOTIFICATION_FROM_LOCK_SCREEN = "notification_from_lock_screen"
    APP_OPENS_SETTINGS_ONLY = "app_opens_settings_only"
    IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS = "ios_12_2_or_earlier_allow_opens_settings"
    SAFARI_RESTRICTED = "safari_restricted"
    INCORRECT_PASSWORD_TIP = "incorrect_password_tip"
    BEFORE_IOS_15_PROFILE_LABEL = "before_ios_15_profile_label"
    PROFILE_EXPIRES_8_MINUTES = "profile_expires_8_minutes"
    PASSCODE_PROMPT = "passcode_prompt"
    INSTALL_CANCELLED_RECOVERY = "install_cancelled_recovery"
    # E
    E_DEVICES_MUST_BE_INACTIVE = "e_devices_must_be_inactive"


# --------------------------------------------------------------------------- data shapes


@dataclass(frozen=True, slots=True)
class Note:
    id: NoteId
    text: Localized
    when: Condition = ALWAYS


@dataclass(frozen=True, slots=True)
class Step:
    #: The help page's own step number.
    number: int
    text: Localized
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Procedure:
    id: ProcedureId
    title: Localized
    steps: tuple[Step, ...]
    #: Notes shown before the first step (preconditions, warnings about the whole procedure).
    notes: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        numbers = [s.number for s in self.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"procedure {self.id}: steps must be numbered 1..n, got {numbers}")

    def step(self, number: int) -> Step:
        return self.steps[number - 1]


def _s(number: int, ja: str, en: str, *notes: Note) -> Step:
    return Step(number, Localized(ja, en), notes)


def _n(nid: NoteId, ja: str, en: str, when: Condition = ALWAYS) -> Note:
    return Note(nid, Localized(ja, en), when)


def _p(
    pid: ProcedureId,
    ja: str,
    en: str,
    steps: tuple[Step, ...],
    notes: tuple[Note, ...] = (),
) -> Procedure:
    return Procedure(pid, Localized(ja, en), steps, notes)


# --------------------------------------------------------------------------- A

_A = _p(
    ProcedureId.A,
    "管理画面からインアクティベーションを実施する",
    "Bulk inactivation in the console",
    (
        _s(
            1,
            "サイドナビの「端末管理」を選択します。",
            "Select 「端末管理」 in the side navigation.",
        ),
        _s(
            2,
            "インアクティベーションを実行する端末が登録されているグループを選択します。",
            "Select the group that holds the devices.",
        ),
        _s(3, "該当端末にチェックを入れます。", "Check the devices."),
        _s(4, "「端末管理」をクリックします。", "Click 「端末管理」 (the action menu)."),
        _s(
            5,
            "「一括インアクティベーション」をクリックします。",
            "Click 「一括インアクティベーション」.",
        ),
        _s(
            6,
            "インアクティベーション時にApple MDMプロファイルを削除する場合は、"
            "「有効にする」にチェックを付けます。",
            "To remove the Apple MDM profile at inactivation, check 「有効にする」.",
            _n(
                NoteId.PROFILE_OPTION_REMOVES_PROFILE,
                "チェックボックスをONにして実行すると、Apple MDMまたはHybrid MDMで"
                "登録されている端末では、インアクティベーションと同時に"
                "Apple MDMプロファイルが削除されます。",
                "With it on, devices enrolled with Apple MDM or Hybrid MDM have their Apple MDM "
                "profile removed together with the inactivation.",
                Condition(platforms=APPLE_MOBILE),
            ),
            _n(
                NoteId.OPTION_OFF_NEEDS_C,
                "有効にしない場合、端末側でプロファイルを削除する必要があります(手順C)。",
                "Not checked: the profile must be removed on the device (procedure C).",
                Condition(
                    platforms=APPLE_MOBILE,
                    enrollments=frozenset({Enrollment.APPLE_MDM, Enrollment.HYBRID_MDM}),
                    remove_apple_mdm_profile=False,
                ),
            ),
            _n(
                NoteId.DEP_FORBIDS_DEVICE_REMOVAL,
                "DEP端末でMDMプロファイルの削除を禁止している場合、有効にしないと、"
                "端末側でプロファイルを削除することはできません。",
                "DEP devices whose MDM profile removal is forbidden: without 「有効にする」 the "
                "profile cannot be removed on the device at all.",
                Condition(
                    platforms=APPLE_MOBILE,
                    flags=frozenset({Flag.DEP, Flag.DEP_PROFILE_REMOVAL_FORBIDDEN}),
                    remove_apple_mdm_profile=False,
                ),
            ),
            _n(
                NoteId.SILENT_WLAN_CONNECT_ELSEWHERE,
                "サイレント方式でWLAN設定を適用している端末は、有効にした場合、"
                "端末側のプロファイルが削除されるとネットワークに接続できなくなるため、"
                "あらかじめ別のネットワークに接続しておく必要があります。",
                "Devices with Wi-Fi settings applied silently lose that network when the profile "
                "is removed: connect them to another network first.",
                Condition(
                    platforms=APPLE_MOBILE,
                    flags=frozenset({Flag.SILENT_WLAN}),
                    remove_apple_mdm_profile=True,
                ),
            ),
            _n(
                NoteId.PROFILE_OPTION_IGNORED,
                "この機能はiOS/iPadOS端末の機能のため、Windows・Android端末では利用しません。"
                "チェックを付けても無視されます。",
                "This is an iOS/iPadOS function: for Windows and Android devices it is not used, "
                "and checking it is ignored.",
                Condition(
                    platforms=frozenset({Platform.ANDROID, Platform.WINDOWS, Platform.MACOS})
                ),
            ),
        ),
        _s(
            7,
            "インアクティベーションを実行する日時を指定する場合は、"
            "「スケジュール」の「予約日時を設定する」にチェックを付け、実行日時を指定します。",
            "To run it at a set time, check 「予約日時を設定する」 under 「スケジュール」 and give "
            "the date and time.",
            _n(
                NoteId.RUNS_AT_ONCE_UNLESS_SCHEDULED,
                "指定しない場合は、即時にインアクティベーションが実行されます。",
                "Otherwise it runs at once.",
            ),
        ),
        _s(
            8,
            "「パスワード」にログイン中のアカウントのパスワードを入力します。",
            "Enter the logged-in account's password in 「パスワード」.",
        ),
        _s(9, "「同意する」にチェックを付けます。", "Check 「同意する」."),
        _s(
            10,
            "「OK」ボタンをクリックします。",
            "Click 「OK」.",
            _n(
                NoteId.ANDROID_11_DEVICE_OWNER_FACTORY_RESET,
                "Android 11以降、Device Owner (Android Enterprise) 方式およびDevice Owner "
                "(Android Enterprise非対応) 方式の端末でインアクティベーションを実施すると、"
                "通知が表示された後に初期化が行われ、端末のデータは消去されます。",
                "Android 11 and later enrolled as Device Owner (Android Enterprise, or Device "
                "Owner without Android Enterprise): inactivation performs a factory reset "
                "(a notification is shown, then the data is erased).",
                Condition(
                    platforms=frozenset({Platform.ANDROID}),
                    os=(OsRange(Platform.ANDROID, since=(11,)),),
                    flags=frozenset({Flag.ANDROID_DEVICE_OWNER}),
                ),
            ),
        ),
        _s(
            11,
            "インアクティベーション要求が登録され、メッセージが表示されます。",
            "The inactivation request is registered and a message is shown.",
            _n(
                NoteId.JOBS_CANCELLED,
                "インアクティベーションを実行すると、"
                "登録されているジョブは全てキャンセルされます。",
                "Executing an inactivation cancels every job registered for the device.",
            ),
        ),
    ),
    (
        _n(
            NoteId.MISTAKE_MAY_NEED_FACTORY_RESET,
            "インアクティベーションは、管理画面の操作を誤って実行した場合、制限を解除するために"
            "端末の初期化が必要となる可能性がありますので、ご注意ください。",
            "A mistaken inactivation in the console may leave restrictions on a device that only "
            "a factory reset removes.",
        ),
        _n(
            NoteId.UNREACHABLE_USE_FORCED,
            "端末をすでに初期化済みである、クライアントアプリを一度削除してしまった、"
            "故障してすでに修理に出している場合は、端末側がmobiconnectと通信できないため、"
            "通常のインアクティベーション操作では無効状態にすることができません。"
            "この場合は、強制インアクティベーションを実行してください。",
            "A device already initialised (wiped), whose client app was deleted once, or that "
            "is broken and away for repair can no longer talk to mobiconnect, so a normal "
            "inactivation never completes: use forced inactivation (procedure B).",
        ),
    ),
)

# --------------------------------------------------------------------------- B
# The seed page only names the function; steps and warning follow the vendor's own page for it
# (「緊急時処理:強制インアクティベーション」, help.mobi-connect.net, function c0505001).

_B = _p(
    ProcedureId.B,
    "強制インアクティベーション",
    "Forced inactivation",
    (
        _s(
            1,
            "サイドナビの「端末管理」を選択します。",
            "Select 「端末管理」 in the side navigation.",
        ),
        _s(
            2,
            "インアクティベーションを実行する端末が登録されているグループを選択します。",
            "Select the group that holds the devices.",
        ),
        _s(3, "該当端末にチェックを付けます。", "Check the devices."),
        _s(4, "「端末管理」をクリックします。", "Click 「端末管理」."),
        _s(
            5,
            "「一括強制インアクティベーション」をクリックします。",
            "Click 「一括強制インアクティベーション」.",
        ),
        _s(
            6,
            "強制インアクティベーション後に端末を削除する場合は「有効」を選択します。",
            "To delete the devices right after the forced inactivation, choose 「有効」.",
            _n(
                NoteId.DELETE_AFTER_NEEDS_PERMISSION,
                "サービス利用権限で[端末管理]-[端末削除]が許可されていない場合、"
                "項目がグレーアウトし「有効」は選択できません。",
                "Without the permission 端末管理 → 端末削除 the item is greyed out.",
                Condition(can_delete_devices=False),
            ),
        ),
        _s(
            7,
            "「パスワード」に管理画面にログインする時に使用した管理者のパスワードを入力します。",
            "Enter the logged-in administrator's password in 「パスワード」.",
        ),
        _s(8, "「同意する」にチェックを付けます。", "Check 「同意する」."),
        _s(9, "「OK」をクリックします。", "Click 「OK」."),
    ),
    (
        _n(
            NoteId.FORCED_PURPOSE,
            "強制インアクティベーションは、機種変更済みの端末や故障してすでに手元にないときなど、"
            "端末がmobiconnectと通信できずジョブを実行できない場合に、管理画面上の端末状態を"
            "無効にして端末情報を削除可能にするための機能です。端末には何も届きません。",
            "For devices that cannot communicate and so cannot run jobs (model changed, broken, "
            "not at hand): sets the device state to inactive in the console only, so that its "
            "record can then be deleted. Nothing reaches the device.",
        ),
        _n(
            NoteId.FORCED_KEEPS_RESTRICTIONS,
            "【重要】強制インアクティベーションを行っても端末側の制限は解除されません。"
            "端末と通信せずに管理画面上のみ端末状態を無効にするため、運用中の端末に対して"
            "実行した場合、適用されている制限を解除することができず、"
            "端末の初期化が必要となる場合があります。",
            "Important: forced inactivation does not lift the restrictions on the device. Run on "
            "a device that is still in use, its restrictions can no longer be lifted and the "
            "device may need a factory reset.",
        ),
    ),
)

# --------------------------------------------------------------------------- C

_C = _p(
    ProcedureId.C,
    "端末側でプロファイルを削除する",
    "Remove the profile on the device",
    (
        _s(
            1,
            "「設定」アプリアイコンをタップし、「一般」をタップします。",
            "Tap Settings, then General.",
        ),
        # The page prints 「プロファイルをモバイルデバイス管理」, a slip for the iOS label
        # 「プロファイルとデバイス管理」 that the same page uses in procedure D, step 5.
        _s(
            2,
            "「プロファイルとデバイス管理」をタップします。",
            "Tap 「プロファイルとデバイス管理」 (Profiles & Device Management).",
            _n(
                NoteId.IOS_15_VPN_DEVICE_MANAGEMENT_LABEL,
                "iOS/iPadOS 15以降の端末は「VPNとデバイス管理」をタップします。",
                "iOS/iPadOS 15 and later: tap 「VPNとデバイス管理」 (VPN & Device Management).",
                Condition(os=apple(since=(15,))),
            ),
        ),
        _s(
            3,
            "モバイルデバイス管理に表示されるプロファイルをタップします。",
            "Tap the profile shown under Mobile Device Management.",
            _n(
                NoteId.APPLE_MDM_PROFILE_LOCATION,
                "モバイルデバイス管理に表示されるプロファイルがApple MDMプロファイルです。",
                "The profile shown under Mobile Device Management is the Apple MDM profile.",
            ),
        ),
        _s(
            4,
            "「削除」をタップし、「削除」ボタンをタップします。",
            "Tap 「削除」 (Remove), then the 「削除」 button.",
        ),
        _s(
            5,
            "モバイルデバイス管理からプロファイルが削除されていることを確認します。",
            "Confirm that the profile is gone from Mobile Device Management.",
        ),
    ),
    (
        _n(
            NoteId.C_NOT_NEEDED_WHEN_OPTION_CHECKED,
            "インアクティベーション時に「Apple MDMプロファイル削除」を「有効にする」にチェックした"
            "場合は必要ありません。",
            "Not needed when 「有効にする」 was checked at inactivation.",
            Condition(remove_apple_mdm_profile=True),
        ),
    ),
)

# --------------------------------------------------------------------------- D

_INSTALL = "「インストール」をタップします。"

_D = _p(
    ProcedureId.D,
    "端末側でインアクティベーション処理を実行する",
    "Inactivation on the device",
    (
        _s(
            1,
            "クライアントアプリの通知をタップし、クライアントアプリを起動します。",
            "Tap the client app's notification to open the app.",
            _n(
                NoteId.NOTIFICATION_FROM_LOCK_SCREEN,
                "通知センター、またはロック画面に表示される通知をタップでも問題ありません。",
                "From Notification Center or the lock screen is fine.",
            ),
            _n(
                NoteId.APP_OPENS_SETTINGS_ONLY,
                "iOS 8/iPadOS 13.1以降の端末では、iOS/iPadOSの仕様により、クライアントアプリを"
                "タップしても、設定画面に遷移するだけでプロファイルのインストール画面へ遷移しない"
                "場合があります。クライアントアプリをタップし、Safariを経由した時点で、"
                "管理画面上のインアクティベーション要求は成功となり、端末状態は無効となります。",
                "iOS 8 / iPadOS 13.1 and later: tapping the client app may only open Settings, "
                "not the profile install screen. The request in the console succeeds, and the "
                "device turns inactive, the moment the user taps the client app and passes "
                "through Safari.",
                Condition(
                    enrollments=frozenset({Enrollment.HYBRID_MDM}),
                    os=(OsRange(Platform.IOS, since=(8,)), OsRange(Platform.IPADOS, since=(13, 1))),
                ),
            ),
        ),
        _s(
            2,
            "プロファイルをインストールする際に、「許可」ボタンをタップすることで"
            "Safariでプロファイルがダウンロードされます。",
            "When asked to install a profile, tap 「許可」 (Allow): Safari downloads it.",
            _n(
                NoteId.IOS_12_2_OR_EARLIER_ALLOW_OPENS_SETTINGS,
                "iOS 12.2までは「許可」をタップすると、ダウンロードしたプロファイルを"
                "インストールする設定画面が表示されます。",
                "Up to iOS 12.2, 「許可」 opens the settings screen that installs the downloaded "
                "profile.",
                Condition(os=apple(until=(12, 2))),
            ),
            _n(
                NoteId.SAFARI_RESTRICTED,
                "プロファイルのインストール画面には、Safariを経由して遷移します。"
                "デバイス利用制限や端末側の機能制限、構成プロファイル等で"
                "Safariの使用を制限している場合は、プロファイルのインストール画面に遷移しません。"
                "先にSafariの制限を解除してください。",
                "The install screen is reached through Safari: where Safari is restricted (usage "
                "restrictions, function restrictions, configuration profiles) it never appears. "
                "Lift the Safari restriction first.",
                Condition(
                    enrollments=frozenset({Enrollment.HYBRID_MDM}),
                    flags=frozenset({Flag.SAFARI_RESTRICTED}),
                ),
            ),
        ),
        _s(
            3,
            "プロファイルがダウンロードされたメッセージで「閉じる」をタップします。",
            'On the "profile downloaded" message, tap 「閉じる」 (Close).',
        ),
        _s(
            4,
            "設定アプリから「一般」をタップします。"
            "Safariの画面の「設定アプリへ」のリンクをタップしても、設定アプリが開きます。",
            "Open Settings and tap General (or tap the 「設定アプリへ」 link in Safari).",
            _n(
                NoteId.INCORRECT_PASSWORD_TIP,
                "「不正なパスワード」と表示された場合は、何も入力せずに「OK」をタップします。",
                "If 「不正なパスワード」 (incorrect password) appears, enter nothing and tap OK.",
            ),
        ),
        _s(
            5,
            "「VPNとデバイス管理」をタップします。",
            "Tap 「VPNとデバイス管理」 (VPN & Device Management).",
            _n(
                NoteId.BEFORE_IOS_15_PROFILE_LABEL,
                "iOS/iPadOS 15未満の端末は「プロファイル」または「プロファイルとデバイス管理」を"
                "タップします。",
                "Before iOS/iPadOS 15: 「プロファイル」 or 「プロファイルとデバイス管理」.",
                Condition(os=apple(until=(14,))),
            ),
        ),
        _s(
            6,
            "ダウンロード済みプロファイルの「Profile Service」をタップします。",
            "Tap 「Profile Service」 under the downloaded profile.",
            _n(
                NoteId.PROFILE_EXPIRES_8_MINUTES,
                "ここで表示されるダウンロード済みのプロファイルは、ダウンロードから8分経過すると"
                "自動で削除されます。",
                "A downloaded profile is deleted automatically 8 minutes after the download.",
            ),
        ),
        _s(
            7,
            "右上の「インストール」をタップして、画面に従ってプロファイルをインストールします。",
            "Tap 「インストール」 (Install) at the top right and follow the screens.",
            _n(
                NoteId.PASSCODE_PROMPT,
                "画面ロックのパスコードが設定されている場合、インストール時に入力が求められます。",
                "If a screen-lock passcode is set, it is asked for.",
            ),
            _n(
                NoteId.INSTALL_CANCELLED_RECOVERY,
                "プロファイルのインストールをキャンセルした、またはインストールできなかった場合は、"
                "端末の制限を解除することができず、プロファイルも削除できない状態のままとなります。"
                "クライアントアプリから端末登録を実施し、再度インアクティベーション処理を最初から"
                "実行してください。",
                "If the install is cancelled or cannot happen, the restrictions stay and the "
                "profile cannot be removed: enroll the device again from the client app and start "
                "the inactivation over from the beginning.",
                Condition(enrollments=frozenset({Enrollment.HYBRID_MDM})),
            ),
        ),
        _s(8, _INSTALL, "Tap 「インストール」."),
        _s(9, _INSTALL, "Tap 「インストール」."),
        _s(10, _INSTALL, "Tap 「インストール」."),
        _s(11, "「完了」をタップします。", "Tap 「完了」 (Done)."),
        _s(
            12,
            "“構成プロファイル”の「Inventit MobiConnect for Business」をタップします。",
            "Under configuration profiles, tap 「Inventit MobiConnect for Business」.",
        ),
        _s(
            13,
            "「プロファイルを削除」をタップします。",
            "Tap 「プロファイルを削除」 (Remove Profile).",
        ),
        _s(14, "「削除」をタップします。", "Tap 「削除」 (Remove)."),
    ),
    (
        _n(
            NoteId.D_NOT_NEEDED_FOR_APPLE_MDM,
            "Apple MDM方式で登録している端末は、この手順は不要です。",
            "Not needed for devices enrolled with Apple MDM.",
            Condition(enrollments=frozenset({Enrollment.APPLE_MDM})),
        ),
        _n(
            NoteId.D_PURPOSE,
            "Hybrid MDM登録されている端末にインアクティベーションを実行すると、端末側クライアント"
            "アプリにPUSH通知が表示されます。ここでプロファイルをインストールすることで、"
            "タップ方式で適用されている制限が解除され、通常は削除することができないIVI MDMの"
            "プロファイルを削除することが可能となります。",
            "When a Hybrid MDM device is inactivated, the client app shows a push notification. "
            "Installing the profile it offers lifts the restrictions applied by the tap method "
            "and lets the IVI MDM profile, normally undeletable, be removed.",
        ),
    ),
)

# --------------------------------------------------------------------------- E

_E = _p(
    ProcedureId.E,
    "管理画面から端末を削除する",
    "Delete devices in the console",
    (
        _s(
            1,
            "サイドナビの「端末管理」を選択します。",
            "Select 「端末管理」 in the side navigation.",
        ),
        # The page repeats A's wording here (「インアクティベーションを実行する端末」): a slip.
        _s(
            2,
            "削除する端末が登録されているグループを選択します。",
            "Select the group that holds the devices.",
        ),
        _s(3, "削除したい端末にチェックを付けます。", "Check the devices to delete."),
        _s(4, "「端末管理」をクリックします。", "Click 「端末管理」."),
        _s(5, "「端末一括削除」をクリックします。", "Click 「端末一括削除」."),
        _s(
            6,
            "「パスワード」に管理画面にログインした時に使用した"
            "アカウントのパスワードを入力します。",
            "In 「パスワード」, enter the password of the account used to log in.",
        ),
        _s(7, "「同意する」にチェックを付けます。", "Check 「同意する」."),
        _s(8, "「削除」をクリックします。", "Click 「削除」."),
        _s(
            9,
            "削除が成功していることを確認し、「閉じる」をクリックします。",
            "Confirm that the deletion succeeded and click 「閉じる」 (Close).",
        ),
    ),
    (
        _n(
            NoteId.E_DEVICES_MUST_BE_INACTIVE,
            "管理画面から端末を削除するためには、あらかじめ端末をインアクティベーションし、"
            "端末状態が無効状態(OSのアイコンがグレー)になっている必要があります。",
            "The devices must already be inactive (grey OS icon).",
        ),
    ),
)

# --------------------------------------------------------------------------- lookups

PROCEDURES: Mapping[ProcedureId, Procedure] = MappingProxyType(
    {p.id: p for p in (_A, _B, _C, _D, _E)}
)


def _all_notes() -> dict[NoteId, Note]:
    notes: dict[NoteId, Note] = {}
    for proc in PROCEDURES.values():
        for note in (*proc.notes, *(n for s in proc.steps for n in s.notes)):
            if notes.setdefault(note.id, note) is not note:
                raise ValueError(f"note {note.id} defined twice")
    return notes


#: Every note by id (a warning screen can show the documented text of one).
NOTES: Mapping[NoteId, Note] = MappingProxyType(_all_notes())
