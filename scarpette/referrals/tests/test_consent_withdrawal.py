"""Withdrawn consent is enforced after the fact: INPS no longer opens what the purpose covered
(404, as if it never existed), the centre sends nothing more under it, and both sides' lists and
timelines say it was withdrawn, with no data."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.models import Consent
from scarpette.cases.services import case_open, consent_record, consent_withdraw
from scarpette.core.testing import keyed
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Consultation, Transmission, TransmissionEvent
from scarpette.referrals.services import (
    consultation_ask,
    transmission_request_info,
    transmission_send,
)


@pytest.fixture
def case(personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    for purpose in Consent.Purpose.values:
        consent_record(actor=personas.referent_a, case=case, purpose=purpose)
    return case


@pytest.fixture
def transmission(personas, case):
    return transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)


@pytest.fixture
def consultation(personas, case):
    return consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["assegno_unico"],
        text="Serve l'ISEE?",
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def withdraw(client, personas, case, purpose):
    client.force_login(personas.referent_a)
    response = client.post(
        reverse("cases:consent_withdraw", kwargs={"public_id": case.public_id}),
        keyed({"purpose": purpose, "confirm": "1"}),
    )
    assert response.status_code == 302
    client.logout()


def test_inps_opens_the_transmission_until_consent_is_withdrawn(
    client, personas, case, transmission
):
    detail = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    client.force_login(personas.inps_specialist)
    assert client.get(detail).status_code == 200
    withdraw(client, personas, case, "transmission")

    client.force_login(personas.inps_specialist)
    assert client.get(detail).status_code == 404
    step = reverse(
        "referrals:inbox_step", kwargs={"public_id": transmission.public_id, "step": "ricevuta"}
    )
    assert client.post(step).status_code == 404
    transmission.refresh_from_db()
    assert transmission.status == Transmission.Status.WITHDRAWN


def test_the_inbox_keeps_a_bare_withdrawn_row(client, personas, case, transmission):
    withdraw(client, personas, case, "transmission")
    client.force_login(personas.inps_specialist)
    page = text(client.get(reverse("referrals:inbox")))
    assert "Ritirata: consenso revocato" in page
    assert case.code not in page
    assert str(transmission.public_id) not in page  # no link to open it


def test_both_timelines_say_it_was_withdrawn(client, personas, case, transmission):
    withdraw(client, personas, case, "transmission")
    event = transmission.events.get(kind=TransmissionEvent.Kind.WITHDRAWN)
    assert event.text == ""
    client.force_login(personas.operator_a)
    page = text(client.get(reverse("referrals:case_inps", kwargs={"case_id": case.public_id})))
    assert "Consenso revocato: la segnalazione è ritirata" in page
    assert AuditEvent.objects.filter(
        action="referrals.transmission.withdrawn", object_id=str(case.public_id)
    ).exists()


def test_the_centre_cannot_answer_under_a_withdrawn_transmission(
    client, personas, case, transmission
):
    transmission_request_info(
        actor=personas.inps_specialist, transmission=transmission, text="Quale ISEE?"
    )
    withdraw(client, personas, case, "transmission")
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("referrals:answer_info", kwargs={"public_id": transmission.public_id}),
        keyed({"text": "Eccolo"}),
        follow=True,
    )
    assert "La segnalazione è stata ritirata" in text(response)
    assert not transmission.events.filter(kind="info_provided").exists()


def test_with_consent_given_anew_the_screening_travels_again(personas, case, transmission):
    consent_withdraw(actor=personas.referent_a, case=case, purpose="transmission")
    consent_record(actor=personas.referent_a, case=case, purpose="transmission")
    again = transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)
    assert again.pk != transmission.pk
    assert again.status == Transmission.Status.SENT


def test_inps_opens_the_consultation_until_consent_is_withdrawn(
    client, personas, case, consultation
):
    detail = reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id})
    client.force_login(personas.inps_specialist)
    assert client.get(detail).status_code == 200
    withdraw(client, personas, case, "consultation")

    client.force_login(personas.inps_specialist)
    assert client.get(detail).status_code == 404
    assert client.post(detail, keyed({"text": "Risposta"})).status_code == 404
    listing = text(client.get(reverse("referrals:inps_consultations")))
    assert "Ritirata: consenso revocato" in listing
    assert str(consultation.public_id) not in listing
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.WITHDRAWN
    assert consultation.messages.count() == 1


def test_the_centre_sends_no_more_replies_under_a_withdrawn_consultation(
    client, personas, case, consultation
):
    withdraw(client, personas, case, "consultation")
    client.force_login(personas.operator_a)
    detail = reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id})
    page = client.get(detail)
    assert page.status_code == 200  # the centre keeps its own thread
    assert 'name="text"' not in page.content.decode()
    response = client.post(detail, keyed({"text": "Ancora una domanda"}), follow=True)
    assert "La consulenza è stata ritirata" in text(response)
    assert consultation.messages.count() == 1


@pytest.mark.parametrize("purpose", ["sportello", "statistics"])
def test_other_purposes_leave_transmission_and_consultation_in_place(
    client, personas, case, transmission, consultation, purpose
):
    withdraw(client, personas, case, purpose)
    client.force_login(personas.inps_specialist)
    for url in (
        reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id}),
        reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id}),
    ):
        assert client.get(url).status_code == 200
    assert not Consent.objects.filter(case=case, purpose=purpose, withdrawn_at=None).exists()


def test_withdrawing_one_purpose_keeps_the_other(
    client, personas, case, transmission, consultation
):
    withdraw(client, personas, case, "transmission")
    client.force_login(personas.inps_specialist)
    detail = reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id})
    assert client.get(detail).status_code == 200
