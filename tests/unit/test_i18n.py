"""The catalogue: complete in both languages, the console's exact terms, language choice."""

from __future__ import annotations

import pytest

from mobitui.domain.models import DeviceState, Enrollment, Platform
from mobitui.i18n import MESSAGES, Catalogue, choose_lang


def test_every_message_exists_in_both_languages() -> None:
    for key, (ja, en) in MESSAGES.items():
        assert ja.strip() and en.strip(), key


def test_every_state_enrollment_and_platform_has_a_label() -> None:
    for lang in ("ja", "en"):
        t = Catalogue(lang)
        assert all(t.state(s) for s in DeviceState)
        assert all(t.enrollment(e) for e in Enrollment)
        assert all(t.platform(p) for p in Platform)


@pytest.mark.parametrize(
    ("key", "ja"),
    [
        ("device_management", "端末管理"),
        ("bulk_inactivation", "一括インアクティベーション"),
        ("bulk_forced_inactivation", "一括強制インアクティベーション"),
        ("bulk_deletion", "端末一括削除"),
        ("enable", "有効にする"),
        ("set_schedule", "予約日時を設定する"),
        ("agree", "同意する"),
        ("state.active", "有効"),
        ("state.inactivation_pending", "インアクティベーション要求中"),
        ("state.inactive", "無効"),
    ],
)
def test_japanese_labels_are_the_procedure_terms(key: str, ja: str) -> None:
    assert Catalogue("ja")(key) == ja


def test_placeholders_and_unknown_keys() -> None:
    assert "refused" in Catalogue("en")("error.unreachable", detail="refused")
    with pytest.raises(KeyError):
        Catalogue("en")("no.such.key")


@pytest.mark.parametrize(
    ("cli", "profile", "env", "expected"),
    [
        ("en", "ja", {"LANG": "ja_JP.UTF-8"}, "en"),
        (None, "ja", {"LANG": "en_US.UTF-8"}, "ja"),
        (None, None, {"LANG": "ja_JP.UTF-8"}, "ja"),
        (None, None, {"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        (None, None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, None, {}, "en"),
        ("fr", None, {"LANG": "ja_JP"}, "ja"),
    ],
)
def test_language_choice(cli: str | None, profile: str | None, env: dict, expected: str) -> None:
    assert choose_lang(cli, profile, env) == expected
