"""Serving the reference server with uvicorn: blocking (``mobitui serve``) or in a thread (tests).

The demo accounts have published passwords and the simulation controls need no token, so
``run`` refuses to listen on anything but a loopback address while either is in use.
``BackgroundServer`` starts a real server on a free loopback port in a daemon thread, so contract
tests exercise real HTTP, and can stop and start again on the same port and database to prove
that a restart loses nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType

import uvicorn

from mobitui.domain.said import Said
from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig


class UnsafeBindError(Said, ValueError):
    """Refusing to expose the demo accounts or the simulation controls beyond this machine
    (``key``: the catalogue's sentence, for ``mobitui serve`` in the admin's language)."""


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` would bind is a loopback one.

    Literal addresses are judged as they are (``0.0.0.0``, ``::`` and ``""`` mean every
    interface). The one name accepted is ``localhost``, and only when it resolves to loopback
    addresses alone: uvicorn binds every address a name resolves to, and ``/etc/hosts`` can say
    anything. Any other name is refused rather than resolved, since what it resolves to may
    change between this check and the bind.
    """
    literal = host.strip()
    if literal.startswith("[") and literal.endswith("]"):
        literal = literal[1:-1]
    try:
        return ipaddress.ip_address(literal).is_loopback
    except ValueError:
        pass
    if literal.lower().rstrip(".") != "localhost":
        return False
    try:
        infos = socket.getaddrinfo(literal, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]).partition("%")[0] for info in infos}
    try:
        return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)
    except ValueError:
        return False


def check_bind(config: ServerConfig, host: str) -> None:
    """Refuse, before anything is opened, a bind that would publish what only loopback may see.

    The demo accounts' passwords are public, and the simulation controls need no token at all:
    anyone who reaches them can move the clock (expiring every session, executing scheduled
    requests) and read the server's audit log. Either is only safe on loopback.
    """
    if is_loopback(host):
        return
    if config.uses_demo_accounts:
        raise UnsafeBindError(
            f"refusing to listen on {host!r} with the demo accounts (their passwords are "
            "public); listen on 127.0.0.1, or give an accounts file (--accounts)",
            key="serve.unsafe.demo_accounts",
            values={"host": repr(host)},
        )
    if config.sim_controls:
        raise UnsafeBindError(
            f"refusing to listen on {host!r} with --sim-controls (the clock and audit "
            "controls need no token); listen on 127.0.0.1, or leave --sim-controls out",
            key="serve.unsafe.sim_controls",
            values={"host": repr(host)},
        )


def _uvicorn_config(config: ServerConfig, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(config),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
        server_header=False,
        date_header=False,  # the app stamps Date with the simulated clock
    )


def check_port(host: str, port: int) -> None:
    """``OSError`` (``EADDRINUSE`` …) when ``host:port`` cannot be listened on now.

    uvicorn would log the failure in English and exit on its own; asked first (as uvicorn
    binds: ``SO_REUSEADDR``), ``mobitui serve`` says it in one line, in the admin's language.
    Another process may still take the port in between: then uvicorn says it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def run(config: ServerConfig, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until interrupted (Ctrl+C)."""
    check_bind(config, host)
    check_port(host, port)
    uvicorn.Server(_uvicorn_config(config, host, port, "info")).run()


class BackgroundServer:
    """A real server on a loopback port in a daemon thread; a context manager.

    ``base_url`` is ``http://127.0.0.1:PORT``; ``api_url`` adds ``/api/v1``.
    """

    def __init__(self, config: ServerConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        check_bind(config, host)
        self.config = config
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 30.0) -> BackgroundServer:
        if self.running:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(_uvicorn_config(self.config, self.host, self.port, "warning"))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="mobitui-sim", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                sock.close()
                raise RuntimeError("the reference server failed to start")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("the reference server did not start in time")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        self._server = self._thread = None

    def restart(self) -> BackgroundServer:
        """Stop, then serve the same database on the same port."""
        self.stop()
        return self.start()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
