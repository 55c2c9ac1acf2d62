"""Logging in and the first-run profile form."""

from __future__ import annotations

#: key → (ja, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # login
    "login.title": ("ログイン", "Log in"),
    "login.server": ("サーバー: {server}", "Server: {server}"),
    "login.account": ("アカウント: {account}", "Account: {account}"),
    "login.submit": ("ログイン", "Log in"),
    "login.expired": (
        "セッションの有効期限が切れました。もう一度ログインしてください。",
        "Your session expired. Please log in again.",
    ),
    "login.waiting": (
        "サーバーの応答を待っています（{seconds} 秒経過）…",
        "Waiting for the server ({seconds} s)…",
    ),
    "login.retry_in": (
        "サーバーが待つよう求めています。あと {seconds} 秒で再試行します…",
        "The server asked to wait: trying again in {seconds} s…",
    ),
    "login.wait_before": (
        "あと {seconds} 秒待ってから入力してください。",
        "Wait {seconds} s before entering the password again.",
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
    # what is wrong with a profile (mobitui.local.profiles.validate_profile): the form says
    # it as it is, the profiles file after the file and profile (cli.config.value)
    "profile.problem.name": (
        "name: 英数字と '.'、'_'、'-' で指定してください（64 文字まで）",
        "name: letters, digits, '.', '_' or '-' (up to 64)",
    ),
    "profile.problem.base_url": (
        "base_url: http:// または https:// のアドレスで指定してください",
        "base_url: an http:// or https:// address",
    ),
    "profile.problem.account": ("account: 指定が必要です", "account: required"),
    "profile.problem.proxy": (
        "proxy: http://、https:// または socks5:// のアドレスで指定してください",
        "proxy: an http://, https:// or socks5:// address",
    ),
    "profile.problem.lang": ("lang: ja または en で指定してください", "lang: ja or en"),
    "profile.problem.confirm_above": (
        "confirm_above: 0 以上で指定してください",
        "confirm_above: 0 or more",
    ),
    "profile.problem.stall_after_minutes": (
        "stall_after_minutes: 1 以上で指定してください",
        "stall_after_minutes: 1 or more",
    ),
    "profile.problem.trust": (
        "trust: certifi または system で指定してください（{value} は使えません）",
        "trust: certifi or system (not {value})",
    ),
}
