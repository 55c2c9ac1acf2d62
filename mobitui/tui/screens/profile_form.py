"""First run: a form that creates the connection profile (server, account, TLS, proxy, language).

The form validates with ``config.validate_profile`` (the same rules the file loader applies)
and dismisses with the new :class:`~mobitui.config.Profile`; the app saves it. No password here:
it is asked at login and never stored.

The language chosen in it applies at once: the form relabels itself when it changes, and the
app uses it from the moment the profile is saved (the login, the main screen, the keys).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from mobitui.i18n import Catalogue, Lang
from mobitui.local.profiles import Profile, validate_profile
from mobitui.present.errors import problem_text

_FIELDS = ("name", "base_url", "account", "ca_bundle", "proxy")


class ProfileForm(ModalScreen[Profile | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.t = catalogue

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog"):
            yield Label(t("profile.title"), id="profile-title", classes="dialog-title")
            yield Static(Text(t("profile.intro")), id="profile-intro", classes="hint")
            for field in _FIELDS:
                yield Label(t(f"profile.{field}"), id=f"label-{field}")
                value = "default" if field == "name" else ""
                yield Input(value=value, placeholder=t(f"profile.{field}.hint"), id=field)
            yield Label(t("profile.lang"), id="label-lang")
            yield Select(
                [("日本語", "ja"), ("English", "en")], value=t.lang, allow_blank=False, id="lang"
            )
            yield Static("", id="problems", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("profile.save"), variant="primary", id="save")
                yield Button(t("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#base_url", Input).focus()

    @on(Select.Changed, "#lang")
    def _relabel(self, event: Select.Changed) -> None:
        """The chosen language, at once: every word of the form in it."""
        lang: Lang = "ja" if event.value == "ja" else "en"
        if lang == self.t.lang:
            return
        t = self.t = Catalogue(lang)
        self.query_one("#profile-title", Label).update(t("profile.title"))
        self.query_one("#profile-intro", Static).update(Text(t("profile.intro")))
        for field in _FIELDS:
            self.query_one(f"#label-{field}", Label).update(t(f"profile.{field}"))
            self.query_one(f"#{field}", Input).placeholder = t(f"profile.{field}.hint")
        self.query_one("#label-lang", Label).update(t("profile.lang"))
        self.query_one("#save", Button).label = t("profile.save")
        self.query_one("#cancel", Button).label = t("cancel")

    def _value(self, field: str) -> str | None:
        value = self.query_one(f"#{field}", Input).value.strip()
        return value or None

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        lang = self.query_one("#lang", Select).value
        profile = Profile(
            name=self._value("name") or "",
            base_url=self._value("base_url") or "",
            account=self._value("account") or "",
            ca_bundle=self._value("ca_bundle"),
            proxy=self._value("proxy"),
            lang=lang if isinstance(lang, str) else None,
        )
        problems = validate_profile(profile)
        if problems:
            said = "\n".join(problem_text(self.t, problem) for problem in problems)
            self.query_one("#problems", Static).update(Text(said))
            return
        self.dismiss(profile)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
