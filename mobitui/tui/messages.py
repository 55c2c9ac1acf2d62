"""Every message of the TUI, and the one signal of fleet changes: the light bottom layer.

Workers (the app's, the controllers') post these to the screens that asked; screens import
them from here, never from the module that posts them, so no screen imports a worker module
that imports the App back. Dataclass messages (as Toolong's and Harlequin's ``messages.py``):
each says what it carries in its fields.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.message import Message
from textual.signal import Signal

from mobitui.domain.models import InactivationRequest
from mobitui.domain.operation import OperationState
from mobitui.fleet.cache import Delta

# ---------------------------------------------------------------------- the fleet


@dataclass
class FleetLoaded(Message):
    """The first full sync (or a reconnection's) is in the cache."""

    #: Set once the screen showing the fleet has been painted.
    shown: asyncio.Event | None = None


@dataclass
class FleetChanged(Message):
    """A poll of the change feed found something: the app tells every screen (the signal)."""

    delta: Delta


@dataclass
class ConnectionState(Message):
    """The header's connection state: ``connecting``, ``syncing``, ``connected``, ...."""

    state: str
    detail: str = ""


#: One signal per app (the screens of one app share it), made on first use.
_FLEET_SIGNALS: WeakKeyDictionary[DOMNode, Signal[Delta]] = WeakKeyDictionary()


def fleet_changed_signal(node: DOMNode) -> Signal[Delta]:
    """The app's one "the fleet changed" signal: every screen that shows devices subscribes
    (:func:`follow_fleet` in ``on_mount``); the app publishes each delta of the change feed
    to it (as Textual's own ``App.theme_changed_signal``). Found from any node of the app, so
    a screen needs no reference to the App's class."""
    app = node.app
    signal = _FLEET_SIGNALS.get(app)
    if signal is None:
        signal = _FLEET_SIGNALS[app] = Signal(app, "fleet-changed")
    return signal


def follow_fleet(node: DOMNode, callback: Callable[[Delta], object]) -> None:
    """Call ``callback`` with every delta published on the app's fleet-changed signal, while
    ``node`` is mounted (call it from ``on_mount``).

    Textual's ``Signal.publish`` logs a subscriber's exception and carries on: a screen that
    failed to follow a change (a dialog whose preflight is then stale) would go unnoticed. Its
    exception goes to the app's handler instead, as one raised in a message handler does (a
    crash report, exit 70: :meth:`mobitui.tui.app.MobiApp._handle_exception`).
    """

    def guarded(delta: Delta) -> None:
        try:
            callback(delta)
        except Exception as error:
            node.app._handle_exception(error)

    fleet_changed_signal(node).subscribe(node, guarded, immediate=True)


# ---------------------------------------------------------------------- bulk operations


class ProgressSink(Protocol):
    """Where a bulk run's worker posts its progress and asks whether Stop was pressed (a
    dialog)."""

    def post_message(self, message: Message) -> bool: ...

    def stop_requested(self) -> bool: ...


@dataclass
class OpProgress(Message):
    done: int
    total: int


@dataclass
class OpFinished(Message):
    """The run ended normally; ``state`` may still have open batches (stopped, lost answers)."""

    state: OperationState
    path: Path


@dataclass
class OpFailed(Message):
    """The run ended on an error; ``state`` is None when no journal was written."""

    error: BaseException
    state: OperationState | None
    path: Path | None


# ---------------------------------------------------------------------- the requests screen


@dataclass
class RequestsLoaded(Message):
    requests: list[InactivationRequest]


@dataclass
class RequestsNotice(Message):
    """A sentence for the status line: a failure, or a cancellation done."""

    text: str
