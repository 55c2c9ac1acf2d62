"""The client side of the kill -9 test, run as its own process (``python -m``).

It plans a forced inactivation through the journal and runs it one batch at a time, holding
each answer for a while after the server has acted and before the journal records it: the
window in which a crash leaves an outcome unknown. The parent kills it there with SIGKILL.

Arguments: base URL, state directory, comma-separated device ids, seconds to hold an answer,
and the action (``inactivate``, ``force`` or ``delete``).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.rules import Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal


class Slow(httpx.AsyncHTTPTransport):
    def __init__(self, hold: float) -> None:
        super().__init__()
        self.hold = hold

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith(DESTRUCTIVE):
            await response.aread()
            await asyncio.sleep(self.hold)  # the server acted; the journal does not know yet
        return response


DESTRUCTIVE = ("/inactivations", "/forced-inactivations", "/device-deletions")
ACTIONS = {"inactivate": Inactivate(), "force": ForceInactivate(), "delete": Delete()}


async def main(base_url: str, state: Path, ids: list[str], hold: float, action: str) -> None:
    client = MobiClient(base_url, transport=Slow(hold))
    async with client:
        await client.login("admin", "demo-admin-pass")
        journal = await new_operation(
            client,
            Journal(state / "journal"),
            ACTIONS[action],
            ids,
            names={},
            server=base_url,
            profile="test",
            account="admin",
        )
        print(journal.path, flush=True)
        await run_operation(
            client,
            journal,
            AuditLog(state / "audit.jsonl"),
            password="demo-admin-pass",
            agree=True,
            concurrency=1,
        )


if __name__ == "__main__":
    url, where, devices, seconds, kind = sys.argv[1:6]
    asyncio.run(main(url, Path(where), devices.split(","), float(seconds), kind))
