"""The bulk writes of the client: one batch per call, each answer reconciled with it.

A bulk answer is never trusted for being a 2xx: its outcomes are reconciled with the ids sent
(:mod:`mobitui.domain.reconcile`); an outcome for an id never sent, or two for one id, is a
:class:`~mobitui.api.errors.ProtocolError`. Whole runs (plan, journal, send, record, resume)
are :mod:`mobitui.api.runner`'s: the client sends one batch at a time, so that every run goes
through the journal.

The confirmation password of destructive calls travels in the request body only: it is never
stored on the client, logged, or put into an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from mobitui.api.batches import plan_batches
from mobitui.api.errors import ProtocolError
from mobitui.api.transport import Transport, where
from mobitui.api.wire import BulkAnswer, decode_bulk_answer, decode_request_answer
from mobitui.domain.models import BulkResult, InactivationRequest, ItemResult, format_time
from mobitui.domain.operation import Batch
from mobitui.domain.reconcile import misfits, reconcile
from mobitui.domain.rules import Action, Delete, ForceInactivate, Inactivate

log = logging.getLogger(__name__)

R = TypeVar("R")


class Writes(Transport):
    """The three bulk calls, one batch each; resending a batch is safe (same key, same body)."""

    async def plan(self, device_ids: Iterable[str]) -> list[Batch]:
        """Batches sized to the server's ``max_bulk_devices``, each with a fresh key."""
        return plan_batches(device_ids, (await self.limits()).max_bulk_devices)

    async def send_inactivation(
        self,
        batch: Batch,
        *,
        remove_apple_mdm_profile: bool = False,
        scheduled_at: datetime | None = None,
        password: str,
        agree: bool,
    ) -> InactivationRequest:
        """One ``POST /inactivations``; resending the same batch is safe (same key).

        The answer is reconciled with the batch (:meth:`_reconciled`): a :class:`ProtocolError`
        when it names an id never sent or one twice; devices it gives no outcome for are left
        for the caller to find (the journal's fold keeps that batch open).
        """
        body = {
            "device_ids": list(batch.device_ids),
            "remove_apple_mdm_profile": remove_apple_mdm_profile,
            "scheduled_at": format_time(scheduled_at),
            "password": password,
            "agree": agree,
        }
        answer: BulkAnswer[InactivationRequest] = await self._call(
            "POST", "/inactivations", body=body, key=batch.key, decode=decode_request_answer
        )
        action = Inactivate(remove_apple_mdm_profile, scheduled_at)
        return self._reconciled(batch, action, answer, "POST /inactivations")

    async def send_forced(
        self, batch: Batch, *, delete_after: bool = False, password: str, agree: bool
    ) -> BulkResult:
        """One ``POST /forced-inactivations``, reconciled like :meth:`send_inactivation`."""
        body = {
            "device_ids": list(batch.device_ids),
            "delete_after": delete_after,
            "password": password,
            "agree": agree,
        }
        answer: BulkAnswer[BulkResult] = await self._call(
            "POST", "/forced-inactivations", body=body, key=batch.key, decode=decode_bulk_answer
        )
        action = ForceInactivate(delete_after=delete_after)
        return self._reconciled(batch, action, answer, "POST /forced-inactivations")

    async def send_deletion(self, batch: Batch, *, password: str, agree: bool) -> BulkResult:
        """One ``POST /device-deletions``, reconciled like :meth:`send_inactivation`."""
        body = {"device_ids": list(batch.device_ids), "password": password, "agree": agree}
        answer: BulkAnswer[BulkResult] = await self._call(
            "POST", "/device-deletions", body=body, key=batch.key, decode=decode_bulk_answer
        )
        return self._reconciled(batch, Delete(), answer, "POST /device-deletions")

    def _reconciled(self, batch: Batch, action: Action, answer: BulkAnswer[R], endpoint: str) -> R:
        """The answer's result, once its outcomes are known to be about the ids sent and to
        fit the action sent.

        An outcome for an id never sent, two for one id, or one the action cannot have
        (``accepted`` for a deletion, ``deleted`` for an inactivation, an accepted device not
        deleted by a forced inactivation with ``delete_after``:
        :func:`~mobitui.domain.reconcile.misfits`), and nothing in the answer is believed:
        :class:`ProtocolError` (no status: the server may have acted, so the batch is not
        refused but stays open). Ids without an outcome (left out, or unreadable) are not an
        error here: the result holds the outcomes that are known, and whoever records it sees
        the rest missing (:class:`~mobitui.domain.operation.OperationState`).
        """
        items: list[ItemResult] = answer.result.items  # type: ignore[attr-defined]
        check = reconcile(batch.device_ids, answer.device_ids, misfits(action, items))
        if check.broken:
            raise ProtocolError(check.explain(), endpoint=where(endpoint))
        if check.missing:
            log.warning("%s: %s", endpoint, check.explain())
        return answer.result
