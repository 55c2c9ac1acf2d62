"""Whether the reference server can run here: its libraries come with ``mobitui[server]``.

A jump host installs the client only (``pip install mobitui``); ``mobitui demo`` and
``mobitui serve`` then say so in one line instead of a traceback. Only the standard library is
imported: this runs before anything of the server's.
"""

from __future__ import annotations

import importlib.util

#: What ``mobitui[server]`` brings (pyproject.toml) that nothing else of mobitui imports.
SERVER_MODULES = ("starlette", "uvicorn")


def server_installed() -> bool:
    """True when every module of :data:`SERVER_MODULES` can be found (none is imported)."""
    for name in SERVER_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True
