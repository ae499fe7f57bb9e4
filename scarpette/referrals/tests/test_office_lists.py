"""The lists read their own rows from indexes: transmissions and consultations carry their
percorso's centre, and the INPS lists and counts read the office's rows by status. The consent is
still checked for what a page shows: a row whose consent is not in force (were the withdrawal's
own marking ever missed) is left out of the lists and the queue, and cannot be opened."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from scarpette.cases.models import Consent
from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Consultation, Transmission
from scarpette.referrals.services import consultation_ask, transmission_send


@pytest.fixture
def sent(personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    for purpose in (Consent.Purpose.TRANSMISSION, Consent.Purpose.CONSULTATION):
        consent_record(actor=personas.referent_a, case=case, purpose=purpose)
    transmission = transmission_send(
        actor=personas.referent_a, case=case, office=personas.inps_office
    )
    consultation = consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["assegno_unico"],
        text="Serve l'ISEE?",
    )
    return case, transmission, consultation


def test_transmissions_and_consultations_carry_their_percorso_s_centre(personas, sent):
    case, transmission, consultation = sent
    assert Transmission.objects.get(pk=transmission.pk).centre_id == case.centre_id
    assert Consultation.objects.get(pk=consultation.pk).centre_id == case.centre_id
    assert case.centre_id == personas.operator_a.membership.organisation_id


def test_the_office_lists_show_what_was_sent(client, personas, sent):
    case, _, _ = sent
    client.force_login(personas.inps_specialist)
    assert case.code in client.get(reverse("referrals:inbox")).content.decode()
    assert case.code in client.get(reverse("referrals:inps_consultations")).content.decode()
    assert case.code in client.get(reverse("core:dashboard")).content.decode()


def test_a_row_without_consent_in_force_is_left_out_even_if_not_marked(client, personas, sent):
    case, transmission, consultation = sent
    # The consents end without the withdrawal service (which would mark the rows "withdrawn"):
    # the rows keep their status, and still nothing of them shows.
    Consent.objects.filter(case=case).update(withdrawn_at=timezone.now())
    assert Transmission.objects.get(pk=transmission.pk).status == Transmission.Status.SENT
    client.force_login(personas.inps_specialist)
    for url in (
        reverse("referrals:inbox"),
        reverse("referrals:inps_consultations"),
        reverse("core:dashboard"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert case.code not in page.content.decode(), url
    detail = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    assert client.get(detail).status_code == 404
