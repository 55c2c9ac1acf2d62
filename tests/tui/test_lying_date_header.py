"""A server (or a gateway in front of it) whose ``Date`` header is absurd.

The client took any date ``parsedate_to_datetime`` could read as the server's clock. With a
``Date`` of year 9999, ``server_now()`` was 9999-12-31 and the bulk inactivation dialog's
default schedule (``now + 90 min``) overflowed while composing: an ``OverflowError`` ended the
app. The same clock went into a new retirement record as its ``created_at``, where it stayed.
A ``Date`` more than a year from this machine's clock is now ignored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.gateway import HostileGateway, ServedGateway
from tests.tui.helpers import loaded, make_app, open_dialog, plain_active

SIZE = (110, 40)
FAR_FUTURE = "Fri, 31 Dec 9999 23:00:00 GMT"


class DateGateway(HostileGateway):
    """Forwards everything; every answer's ``Date`` replaced by :attr:`date`."""

    date: str = FAR_FUTURE

    async def _handle(self, request):  # type: ignore[no-untyped-def]
        response = await super()._handle(request)
        response.headers["date"] = self.date
        return response


FAR_PAST = "Mon, 01 Jan 0100 00:00:00 GMT"


@pytest.fixture(params=[FAR_FUTURE, FAR_PAST], ids=["year-9999", "year-100"])
def lying(make_server, request):
    server = make_server(fleet=200, seed=3, speed=0.0)
    gateway = DateGateway(server.base_url)
    gateway.date = request.param
    served = ServedGateway(gateway).start()
    yield served
    served.stop()


async def test_an_absurd_date_header_never_crashes_the_inactivation_dialog(lying) -> None:
    app = make_app(lying)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = sorted(d.id for d in app.fleet.devices.values() if plain_active(d))[:2]
        await open_dialog(pilot, ids, 0)  # raises OverflowError out of run_test today


async def test_an_absurd_date_header_is_not_taken_as_the_server_clock(lying) -> None:
    app = make_app(lying)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # Records, schedules and the audit comparison are built on this clock.
        assert abs(app.client.server_now() - datetime.now(UTC)) < timedelta(days=1)
