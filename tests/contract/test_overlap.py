"""A new operation never takes a device whose outcome is unknown in an unfinished one
(safety round 3, #7).

An operation whose journal has not ended may have sent a batch without learning its answer
(or never sent it): its devices' outcome is unknown. A new operation on one of them, under a
fresh idempotency key, could make the server act a second time. So
:func:`mobitui.api.runner.new_operation` refuses (:class:`~mobitui.api.runner.Overlap`, naming
the devices and the open operation): nothing is written, nothing is sent, until that operation
is resumed or abandoned. Devices of its settled batches, finished or abandoned operations and
other profiles or accounts do not count. Against the real reference server behind the gateway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mobitui.api.runner import Overlap, new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal
from tests.contract.faults import PASSWORDS, connect
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]


class Place:
    def __init__(self, root: Path) -> None:
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / "audit.jsonl")

    def files(self) -> list[Path]:
        return sorted(self.journal.directory.glob("*.jsonl"))


@pytest.fixture
def place(tmp_path: Path) -> Place:
    return Place(tmp_path / "state")


async def plan(
    client: Any, place: Place, ids: list[str], server: Any, profile: str = "p", account="admin"
):
    return await new_operation(
        client,
        place.journal,
        Inactivate(),
        ids,
        names={},
        server=server.base_url,
        profile=profile,
        account=account,
    )


async def test_a_plan_with_a_device_of_an_unfinished_operation_is_refused_unwritten(
    make_server, make_gateway, place
) -> None:
    server = make_server(max_bulk=3, speed=0.0)
    ids = await active_ids(server, 9)
    gateway = make_gateway(server)
    client = await connect(gateway)
    async with client:
        first = await plan(client, place, ids[:6], gateway)
        first.close()  # planned, never sent: every batch open
        with pytest.raises(Overlap) as refused:
            await new_operation(
                client,
                place.journal,
                ForceInactivate(),
                [ids[8], ids[5], ids[7], ids[2]],
                names={},
                server=gateway.base_url,
                profile="p",
                account="admin",
            )
    error = refused.value
    assert error.operation_id == first.state.spec.id and error.path == first.path
    assert error.device_ids == (ids[5], ids[2])  # in the new plan's order
    text = str(error)
    assert f"resume or abandon operation {first.state.spec.id} first" in text
    assert ids[5] in text and ids[2] in text and "nothing was sent" in text
    assert place.files() == [first.path]  # nothing written
    assert gateway.gateway.destructive() == []  # nothing sent


async def test_settled_batches_and_ended_operations_do_not_block_a_new_plan(
    make_server, make_gateway, place
) -> None:
    server = make_server(max_bulk=3, speed=0.0)
    ids = await active_ids(server, 9)
    gateway = make_gateway(server)
    client = await connect(gateway)
    async with client:
        first = await plan(client, place, ids[:6], gateway)
        # Stop after the first batch: it is done, the second stays open.
        state = await run_operation(
            client, first, place.audit, password=PASSWORD, agree=True, should_stop=lambda: True
        )
        first.close()
        assert len(state.done) == 1 and len(state.open_batches) == 1
        done_ids = list(state.spec.batches[0].device_ids)
        open_ids = list(state.spec.batches[1].device_ids)
        # A device of the settled batch: its outcome is known, a new plan may take it.
        again = await plan(client, place, done_ids[:1], gateway)
        again.end(Ending.ABANDONED)
        with pytest.raises(Overlap, match=open_ids[0]):
            await plan(client, place, open_ids[:1], gateway)
        # Another profile or account has its own operations.
        elsewhere = await plan(client, place, open_ids[:1], gateway, profile="other")
        elsewhere.end(Ending.ABANDONED)
        with place.journal.open(first.path) as reopened:
            reopened.end(Ending.ABANDONED)
        # Abandoned: the devices are free again.
        free = await plan(client, place, open_ids, gateway)
        finished = await run_operation(client, free, place.audit, password=PASSWORD, agree=True)
        free.close()
    assert finished.ending is Ending.FINISHED
