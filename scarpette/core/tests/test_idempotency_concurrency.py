"""On PostgreSQL, eight identical POSTs at the same moment (threads, separate connections) act
once: the unique insert of the submission key serialises them, the second waits for the first
commit and then fails the constraint; state transitions are serialised by the row lock."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from scarpette.cases.models import Case, CaseNote
from scarpette.cases.services import case_open, consent_record
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.tests.conftest import smtp_server, smtp_sink  # noqa: F401
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Consultation
from scarpette.referrals.services import transmission_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="row locks need PostgreSQL"),
]

N = 8


def post_at_once(user, url, payloads: list[dict]) -> list[int]:
    """POST each payload from its own client and thread, all released together."""
    clients = []
    for _ in payloads:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(payloads))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(client, payload):
        try:
            barrier.wait()
            statuses.append(client.post(url, payload).status_code)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(c, p)) for c, p in zip(clients, payloads, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


def same(data: dict) -> list[dict]:
    key = str(uuid.uuid4())
    return [{**data, "idempotency_key": key} for _ in range(N)]


def test_eight_identical_open_percorso_posts_open_one(personas):
    statuses = post_at_once(
        personas.operator_a, reverse("cases:case_open"), same({"opened_on": "2026-03-02"})
    )
    assert statuses == [302] * N
    assert Case.objects.count() == 1


def test_eight_identical_note_posts_add_one_note(personas):
    case = case_open(actor=personas.operator_a)
    statuses = post_at_once(
        personas.operator_a,
        reverse("cases:case_note", kwargs={"public_id": case.public_id}),
        same({"text": "Colloquio fissato"}),
    )
    assert statuses == [302] * N
    assert CaseNote.objects.count() == 1


def test_eight_identical_consultation_posts_open_one_and_send_one_mail(personas, smtp_server):  # noqa: F811
    case = case_open(actor=personas.operator_a)
    consent_record(actor=personas.operator_a, case=case, purpose="consultation")
    statuses = post_at_once(
        personas.operator_a,
        reverse("referrals:case_consultations", kwargs={"case_id": case.public_id}),
        same(
            {
                "office": str(personas.inps_office.public_id),
                "measures": ["naspi"],
                "text": "Si può chiedere?",
            }
        ),
    )
    assert statuses == [302] * N
    assert Consultation.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    call_command("send_pending_mail")
    assert len(smtp_server.envelopes) == 1


@pytest.mark.parametrize("keys", ["one key", "a key per tab"])
def test_eight_simultaneous_acknowledgements_write_one_event_and_send_one_mail(
    personas,
    smtp_server,  # noqa: F811
    keys,
):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    consent_record(actor=personas.referent_a, case=case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=case, office=personas.inps_office
    )
    OutboxMessage.objects.all().delete()  # the "sent" notice to INPS is not under test
    payloads = (
        same({})
        if keys == "one key"
        else [{"idempotency_key": str(uuid.uuid4())} for _ in range(N)]
    )

    statuses = post_at_once(
        personas.inps_specialist,
        reverse(
            "referrals:inbox_step",
            kwargs={"public_id": transmission.public_id, "step": "ricevuta"},
        ),
        payloads,
    )

    assert statuses == [302] * N
    assert transmission.events.filter(kind="acknowledged").count() == 1
    assert OutboxMessage.objects.count() == 1  # one referent in centre A
    call_command("send_pending_mail")
    assert len(smtp_server.envelopes) == 1
