"""On PostgreSQL, two simultaneous transmissions of one percorso give one."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Transmission
from scarpette.referrals.services import transmission_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="row locks need PostgreSQL"),
]


def test_two_simultaneous_transmissions_make_one(personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    consent_record(actor=personas.referent_a, case=case, purpose="transmission")

    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                transmission_send(
                    actor=personas.referent_a, case=case, office=personas.inps_office
                ).pk
            )
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Transmission.objects.count() == 1
    assert set(results) == {Transmission.objects.get().pk}
