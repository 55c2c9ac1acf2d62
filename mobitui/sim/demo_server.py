"""The demo's reference server in a process of its own, started before the TUI is imported.

In a thread, the server's start-up (its imports, the database) and every answer it gives would
share the interpreter lock with the TUI; in its own process, on a second core, it is ready by
the time the TUI has imported Textual. The parent binds the loopback socket and hands it over,
so the address is known at once and the TUI's first request simply waits in the listen queue
until the child serves it: no polling, no port race. The child stops when the parent asks
(SIGTERM: uvicorn shuts down gracefully) and also when the parent is gone, even if it was
killed, so no demo server outlives its demo.

``python -m mobitui.sim.demo_server FD CONFIG_JSON CACHE_DIR PARENT_PID`` is the child's side.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from mobitui.sim.config import ServerConfig

#: The demo server yields the processor to the TUI the admin is looking at. Both start at once,
#: and on a small machine the TUI's imports are slower beside the server's unless the server
#: is niced (bench/README.md). The server has nothing to answer before the TUI has started
#: anyway, and later it answers while the TUI waits for it.
NICENESS = 10


class DemoServer:
    """The child process serving ``config`` on a loopback port; a context manager."""

    def __init__(self, config: ServerConfig, log: Path, cache_dir: Path) -> None:
        self.config = config
        self.log = log
        self.cache_dir = cache_dir
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DemoServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))
            sock.listen(128)
            self.port = sock.getsockname()[1]
            settings = {
                k: str(v) if isinstance(v, Path) else v
                for k, v in dataclasses.asdict(self.config).items()
            }
            argv = [
                sys.executable,
                "-m",
                "mobitui.sim.demo_server",
                str(sock.fileno()),
                json.dumps(settings),
                str(self.cache_dir),
                str(os.getpid()),
            ]
            with self.log.open("ab") as log:
                self._proc = subprocess.Popen(
                    argv,
                    pass_fds=(sock.fileno(),),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,  # a Ctrl+C in the TUI is the TUI's, not the server's
                )
        finally:
            sock.close()  # the child holds its own copy
        return self

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _serve(fd: int, config: ServerConfig, cache_dir: Path, parent: int) -> None:
    os.nice(NICENESS)
    import uvicorn

    from mobitui.sim.server import _uvicorn_config, check_bind
    from mobitui.sim.templates import create_from_template

    check_bind(config, "127.0.0.1")
    if not config.db_path.exists():
        create_from_template(config, cache_dir)
    sock = socket.socket(fileno=fd)
    port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(config, "127.0.0.1", port, "warning"))

    def watch_parent() -> None:
        while not server.should_exit:
            if os.getppid() != parent:  # re-parented (maybe before we even started): gone
                server.should_exit = True
                return
            time.sleep(0.5)

    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
    if os.getppid() == parent:
        server.run(sockets=[sock])


if __name__ == "__main__":
    _fd, _settings, _cache, _parent = sys.argv[1:5]
    _serve(int(_fd), ServerConfig(**json.loads(_settings)), Path(_cache), int(_parent))
