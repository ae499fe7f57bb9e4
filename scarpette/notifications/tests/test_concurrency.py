"""On PostgreSQL, workers delivering the same message at the same moment send it once."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from scarpette.notifications.delivery import deliver_message
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.services import notify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="row locks need PostgreSQL"),
]


def test_simultaneous_deliveries_of_one_message_send_it_once(smtp_server):
    smtp_server.delay = 0.5  # the first sender holds the row while the others arrive
    with transaction.atomic():
        (message,) = notify(
            key="k:race",
            to="ref.a@example.org",
            template="inps_reply",
            context={"link": "http://127.0.0.1:8000/x/"},
        )
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(deliver_message(message.pk))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count("sent") == 1
    assert set(outcomes) <= {"sent", "busy", "skipped"}
    assert len(smtp_server.envelopes) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
