"""Transitions that already happened (acknowledged, claimed, closed) write nothing and mail nobody
a second time, whoever asks and from whichever tab; the page says what is the case in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.accounts.permissions import Role
from scarpette.accounts.testing import make_user
from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, consent_record
from scarpette.core.testing import keyed
from scarpette.notifications.models import OutboxMessage
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.services import consultation_ask, transmission_send


@pytest.fixture
def transmission(personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    consent_record(actor=personas.referent_a, case=case, purpose="transmission")
    return transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)


@pytest.fixture
def colleague(personas):
    return make_user(
        "inps2@example.org", "Ines Collega", Role.CONSULENTE_INPS, personas.inps_office
    )


def step(client, transmission, name):
    url = reverse(
        "referrals:inbox_step", kwargs={"public_id": transmission.public_id, "step": name}
    )
    return client.post(url, keyed(), follow=True).content.decode()


def test_acknowledging_twice_writes_one_event_and_one_mail(
    personas, colleague, transmission, client, django_capture_on_commit_callbacks
):
    other = client.__class__()
    client.force_login(personas.inps_specialist)
    other.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        first = step(client, transmission, "ricevuta")
        second = step(other, transmission, "ricevuta")  # a colleague, from an older page

    assert "Ricezione confermata" in first
    assert "La ricezione è già stata confermata." in second
    assert transmission.events.filter(kind="acknowledged").count() == 1
    assert AuditEvent.objects.filter(action="referrals.transmission.acknowledged").count() == 1
    assert OutboxMessage.objects.filter(key__contains=":acknowledged:").count() == 1


def test_claiming_what_a_colleague_holds_says_so_and_writes_nothing(
    personas, colleague, transmission, client
):
    other = client.__class__()
    other.force_login(colleague)
    step(other, transmission, "prendi")
    client.force_login(personas.inps_specialist)
    events = transmission.events.count()
    writes = AuditEvent.objects.filter(action__startswith="referrals.transmission").exclude(
        action__endswith="viewed"
    )
    audits = writes.count()

    page = step(client, transmission, "prendi")

    assert "Già presa in carico da un&#x27;altra persona." in page
    assert "Fatto." not in page
    transmission.refresh_from_db()
    assert transmission.assigned_to == colleague
    assert transmission.events.count() == events
    assert writes.count() == audits


def test_claiming_twice_by_the_same_person_writes_one_event(personas, transmission, client):
    client.force_login(personas.inps_specialist)
    step(client, transmission, "prendi")
    page = step(client, transmission, "prendi")
    assert "Hai già preso in carico questa segnalazione." in page
    assert transmission.events.filter(kind="acknowledged").count() == 1
    assert transmission.events.filter(kind="assigned").count() == 0


def test_claiming_a_new_transmission_acknowledges_it_once_with_one_receipt_mail(
    personas, colleague, transmission, client, django_capture_on_commit_callbacks
):
    other = client.__class__()
    client.force_login(personas.inps_specialist)
    other.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        first = step(client, transmission, "prendi")
        again = step(client, transmission, "prendi")
        late = step(other, transmission, "ricevuta")  # a colleague's older page

    assert "Pratica presa in carico" in first
    assert "Hai già preso in carico questa segnalazione." in again
    assert "La ricezione è già stata confermata." in late
    transmission.refresh_from_db()
    assert transmission.get_status_display() == "Presa in carico"
    assert transmission.assigned_to == personas.inps_specialist
    events = list(transmission.events.values_list("kind", "actor"))
    assert events == [
        ("sent", personas.referent_a.pk),
        ("acknowledged", personas.inps_specialist.pk),
    ]
    assert AuditEvent.objects.filter(action="referrals.transmission.acknowledged").count() == 1
    receipts = OutboxMessage.objects.filter(key__contains=":acknowledged:")
    assert list(receipts.values_list("recipient", flat=True)) == [personas.referent_a.email]
    # The centre reads the receipt in the shared timeline.
    centre = client.__class__()
    centre.force_login(personas.operator_a)
    page = centre.get(
        reverse("referrals:case_inps", kwargs={"case_id": transmission.case.public_id})
    ).content.decode()
    assert "Ricevuta e presa in carico" in page


def test_closing_twice_writes_one_event_and_one_mail(
    personas, colleague, transmission, client, django_capture_on_commit_callbacks
):
    other = client.__class__()
    client.force_login(personas.inps_specialist)
    other.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        step(client, transmission, "chiudi")
        page = step(other, transmission, "chiudi")
    assert "La segnalazione è già chiusa." in page
    assert transmission.events.filter(kind="closed").count() == 1
    assert OutboxMessage.objects.filter(key__contains=":closed:").count() == 1


def test_closing_a_closed_consultation_writes_nothing(personas, client):
    case = case_open(actor=personas.operator_a)
    consent_record(actor=personas.operator_a, case=case, purpose="consultation")
    consultation = consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["naspi"],
        text="?",
    )
    client.force_login(personas.operator_a)
    url = reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id})
    client.post(url, {"action": "close"})
    page = client.post(url, {"action": "close"}, follow=True).content.decode()
    assert "La consulenza è già chiusa." in page
    assert AuditEvent.objects.filter(action="referrals.consultation.closed").count() == 1
