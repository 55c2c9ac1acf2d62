"""The theme and the keymap of ``settings.toml`` (:mod:`mobitui.local.ui_settings`), applied.

:func:`apply` runs while the app is built: the saved theme is set (an unknown name is named
in a notice and ignored) and the ``[keymap]`` table handed to Textual's
:meth:`~textual.app.App.set_keymap`, which replaces the keys of the bindings it names (the
default key of a remapped binding no longer triggers it). An entry whose binding id is not
one of mobitui's or whose keys are not keys is named in a notice and skipped. :func:`watch`
runs once the app is mounted: it shows the notices and saves each theme chosen afterwards
(from the command palette) so the next start uses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.dom import DOMNode

from mobitui.i18n import MESSAGES, Catalogue
from mobitui.local.paths import ConfigError
from mobitui.local.ui_settings import Notice, UiSettings, load_ui_settings, save_theme
from mobitui.present.errors import problem_text, said_text

if TYPE_CHECKING:
    from textual.app import App
    from textual.theme import Theme


def binding_ids() -> frozenset[str]:
    """Every binding id of mobitui: those the catalogue describes (``key.<id>``), and those of
    every mobitui widget and screen class imported so far."""
    ids = {key.removeprefix("key.") for key in MESSAGES if key.startswith("key.")}
    seen: set[type] = set()
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("mobitui."):
            for binding in getattr(cls, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return frozenset(ids)


def apply(app: App[Any], settings: UiSettings | None = None) -> UiSettings:
    """Set the saved theme and keymap on ``app``; what was not used joins the notices."""
    settings = settings if settings is not None else load_ui_settings()
    where = str(settings.path)
    if settings.theme is not None:
        if settings.theme in app.available_themes:
            app.theme = settings.theme
        else:
            settings.notices.append(
                Notice("setup.theme_unknown", {"path": where, "name": settings.theme})
            )
            settings.theme = None
    known = binding_ids()
    keymap = {binding: keys for binding, keys in settings.keymap.items() if binding in known}
    unknown = [
        f"{binding} = {keys!r}" for binding, keys in settings.keymap.items() if binding not in known
    ]
    bad = settings.bad_keymap + unknown
    if bad:
        settings.notices.append(
            Notice("setup.keymap_invalid", {"path": where, "entries": "; ".join(bad)})
        )
    settings.keymap = keymap
    if keymap:
        app.set_keymap(keymap)
    return settings


def watch(app: App[Any], settings: UiSettings, t: Catalogue) -> None:
    """Show ``settings``' notices; from now on, save every theme chosen."""
    for notice in settings.notices:
        text = said_text(t, notice.key, notice.values)
        app.notify(text, severity="warning", timeout=15, markup=False)
    settings.notices.clear()
    saved = [settings.theme or app.theme]

    def theme_chosen(theme: Theme) -> None:
        if theme.name == saved[0] or settings.broken:
            return  # the admin's unreadable file is never overwritten
        try:
            save_theme(theme.name, settings.path)
        except ConfigError as exc:
            text = t("setup.theme_not_saved", detail=problem_text(t, exc))
            app.notify(text, severity="warning", markup=False)
            return
        saved[0] = theme.name

    app.theme_changed_signal.subscribe(app, theme_chosen)
