"""Key bindings in the admin's language.

Bindings are declared on each widget with a stable ``id``; their Footer and palette names come
from the catalogue under ``key.<id>`` (the help screen lists them by id too). :func:`localise`
rewrites a node's own copy of its bindings once, at creation.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from mobitui.i18n import MESSAGES, Catalogue


def localise(node: DOMNode, t: Catalogue) -> None:
    """Replace each binding's description with the catalogue's ``key.<binding id>``."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=t(f"key.{b.id}"))
            if b.id is not None and f"key.{b.id}" in MESSAGES
            else b
            for b in bindings
        ]
