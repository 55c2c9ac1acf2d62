"""Quit when the terminal goes away, even when no SIGHUP says so.

Over SSH, a dropped connection closes the pseudo-terminal and the kernel sends SIGHUP, which
ends mobitui. A process that is not in the terminal's session (started with ``setsid``, by a
supervisor, or by a test harness) gets no signal: Textual's input thread then finds its input
readable and empty forever and spins a core at 100 % with nobody watching. This thread waits
(without using the processor) for the terminal to hang up and asks the app to exit, as SIGHUP
would have. Bulk operations are journalled batch by batch, so exiting mid-run loses nothing:
the next launch offers to resume.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable

#: ``poll`` reports these whether asked for or not: the other end is gone.
_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def watch_hangup(fd: int, on_hangup: Callable[[], None]) -> threading.Thread | None:
    """Call ``on_hangup`` (from a daemon thread) once terminal ``fd`` hangs up.

    Returns the thread, or None when ``fd`` is not a terminal (nothing to watch).
    """
    if not os.isatty(fd):
        return None

    def wait() -> None:
        poller = select.poll()
        poller.register(fd, 0)  # no input events: only hang-ups and errors wake it
        while True:
            try:
                events = poller.poll()
            except InterruptedError:  # pragma: no cover - a signal; poll again
                continue
            if any(mask & _GONE for _, mask in events):
                on_hangup()
                return

    thread = threading.Thread(target=wait, name="watch-terminal", daemon=True)
    thread.start()
    return thread
