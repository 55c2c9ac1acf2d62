"""The async client: the only code in mobitui that speaks HTTP."""

import sys

# httpx's package imports its command-line tool whenever click, rich and pygments happen to be
# installed (here they always are: Textual brings rich and pygments, uvicorn brings click),
# a noticeable part of every start-up (bench/README.md) for a tool mobitui never runs. A None
# entry makes that import fail, and httpx then defines a stub ``httpx.main`` instead (its
# documented fallback when the ``cli`` extra is missing). Nothing else in httpx imports it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
