"""The channel to INPS: transmission, the inbox, the timeline, consultations, their access."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from scarpette.accounts.models import Organisation
from scarpette.accounts.permissions import Role
from scarpette.accounts.testing import PASSWORD, make_user
from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, case_update_identity, consent_record
from scarpette.core.testing import keyed
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Consultation, Transmission
from scarpette.referrals.services import transmission_send


@pytest.fixture
def screened_case(personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(actor=personas.operator_a, case=case, data={"full_name": "Zelda Segreta"})
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.answers = {
        "citizenship": "IT",
        "has_isee": "yes",
        "isee_known": "dont_know",
        "needs": ["money"],
    }
    session.save(update_fields=["answers_json"])
    session_complete(actor=personas.operator_a, session=session)
    return case


def reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def transmit(client, case, office, question="Quali documenti servono?"):
    return client.post(
        reverse("referrals:transmit", kwargs={"case_id": case.public_id}),
        keyed({"office": str(office.public_id), "question": question}),
    )


def test_transmission_is_refused_without_consent(personas, client, screened_case):
    reauthenticated(client, personas.referent_a)
    response = transmit(client, screened_case, personas.inps_office)
    assert response.status_code == 302
    assert not Transmission.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Manca il consenso" in page


def test_transmission_requires_reauthentication(personas, client, screened_case):
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    client.force_login(personas.referent_a)
    response = transmit(client, screened_case, personas.inps_office)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    assert not Transmission.objects.exists()


def test_operator_cannot_transmit(personas, client, screened_case):
    consent_record(actor=personas.operator_a, case=screened_case, purpose="transmission")
    reauthenticated(client, personas.operator_a)
    assert transmit(client, screened_case, personas.inps_office).status_code == 403
    assert not Transmission.objects.exists()


def test_transmission_carries_only_the_minimum_and_is_sent_once(
    personas, client, screened_case, django_capture_on_commit_callbacks
):
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    reauthenticated(client, personas.referent_a)
    with django_capture_on_commit_callbacks(execute=True):
        transmit(client, screened_case, personas.inps_office)
        transmit(client, screened_case, personas.inps_office)  # double click / second tab
    transmission = Transmission.objects.get()
    payload = transmission.payload
    assert set(payload) == {
        "code",
        "as_of",
        "rules_version",
        "facts",
        "results",
        "needs",
        "question",
    }
    assert payload["code"] == screened_case.code
    assert "Zelda" not in transmission.payload_json
    assert payload["needs"] == ["money"]
    assert AuditEvent.objects.filter(action="referrals.transmission.sent").count() == 1


def test_the_inbox_shows_only_what_was_transmitted_to_the_office(personas, client, screened_case):
    other = case_open(actor=personas.operator_a)
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=screened_case, office=personas.inps_office
    )
    client.force_login(personas.inps_specialist)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert str(transmission.public_id) in inbox
    detail = client.get(
        reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    )
    content = detail.content.decode()
    assert detail.status_code == 200
    assert screened_case.code in content and "Zelda" not in content
    assert "Centro A" not in content
    # The percorso itself, and any untransmitted one, stay closed to INPS (INPS reads no
    # percorso page at all: 403 before any lookup, so nothing tells which exist).
    for case in (screened_case, other):
        assert (
            client.get(
                reverse("cases:case_detail", kwargs={"public_id": case.public_id})
            ).status_code
            == 403
        )
        assert (
            client.get(
                reverse("referrals:case_inps", kwargs={"case_id": case.public_id})
            ).status_code
            == 403
        )


def test_roles_without_the_inbox_get_403_on_a_transmission(personas, client, screened_case):
    # Visible but not allowed: these roles have no INPS inbox at all (permission first, 403).
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=screened_case, office=personas.inps_office
    )
    url = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    for persona in ("operator_a", "operator_b", "tavolo_member", "admin", "sportello_officer"):
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == 403, persona


def test_another_inps_office_gets_404_on_a_transmission(personas, client, screened_case):
    # Not yours: a specialist of another INPS office has the inbox, but not this transmission.
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=screened_case, office=personas.inps_office
    )
    other_office = Organisation.objects.create(name="Altra sede", kind=Organisation.Kind.INPS)
    elsewhere = make_user("inps.b@example.org", "Ugo Altrove", Role.CONSULENTE_INPS, other_office)
    url = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    client.force_login(personas.inps_specialist)
    assert client.get(url).status_code == 200


def test_the_whole_exchange_with_the_shared_timeline(
    personas, client, screened_case, django_capture_on_commit_callbacks
):
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    with django_capture_on_commit_callbacks(execute=True):
        transmission = transmission_send(
            actor=personas.referent_a, case=screened_case, office=personas.inps_office
        )
    inps = client
    inps.force_login(personas.inps_specialist)
    base = {"public_id": transmission.public_id}
    inps.post(reverse("referrals:inbox_step", kwargs={**base, "step": "prendi"}), keyed())
    inps.post(reverse("referrals:inbox_step", kwargs={**base, "step": "ricevuta"}), keyed())
    inps.post(
        reverse("referrals:inbox_step", kwargs={**base, "step": "chiedi"}),
        keyed({"text": "Serve la data di fine del lavoro."}),
    )
    transmission.refresh_from_db()
    assert transmission.status == "info_requested"
    assert transmission.assigned_to == personas.inps_specialist

    centre = client.__class__()
    centre.force_login(personas.operator_a)
    page = centre.get(reverse("referrals:case_inps", kwargs={"case_id": screened_case.public_id}))
    assert "Serve la data di fine del lavoro." in page.content.decode()
    centre.post(reverse("referrals:answer_info", kwargs=base), keyed({"text": "Finito a marzo."}))
    # INPS's mailbox is told a centre replied (not "a new transmission arrived").
    from scarpette.notifications.models import OutboxMessage

    reply_mail = OutboxMessage.objects.filter(key__contains=":info_provided:").get()
    assert reply_mail.template == "centre_reply"
    inps.post(
        reverse("referrals:inbox_step", kwargs={**base, "step": "parere"}),
        keyed({"measure": "naspi", "text": "Presentare entro 68 giorni."}),
    )
    inps.post(reverse("referrals:inbox_step", kwargs={**base, "step": "chiudi"}), keyed())
    transmission.refresh_from_db()
    assert transmission.status == "closed"
    kinds = list(transmission.events.values_list("kind", flat=True))
    assert kinds == [
        "sent",
        "acknowledged",  # claiming takes it in charge: "ricevuta" afterwards is already done
        "info_requested",
        "info_provided",
        "advice",
        "closed",
    ]
    centre_page = centre.get(
        reverse("referrals:case_inps", kwargs={"case_id": screened_case.public_id})
    ).content.decode()
    inps_page = inps.get(reverse("referrals:inbox_detail", kwargs=base)).content.decode()
    for text in ("Finito a marzo.", "Presentare entro 68 giorni."):
        assert text in centre_page and text in inps_page


def test_consultation_needs_consent_and_tracks_response_time(personas, client, screened_case):
    client.force_login(personas.operator_a)
    url = reverse("referrals:case_consultations", kwargs={"case_id": screened_case.public_id})
    data = {
        "office": str(personas.inps_office.public_id),
        "measures": ["naspi"],
        "text": "Può chiedere la NASpI?",
    }
    response = client.post(url, keyed(data))
    assert response.status_code == 200 and "Manca il consenso" in response.content.decode()
    consent_record(actor=personas.operator_a, case=screened_case, purpose="consultation")
    response = client.post(url, keyed(data))
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    inps = client.__class__()
    inps.force_login(personas.inps_specialist)
    detail = reverse("referrals:consultation_detail", kwargs={"public_id": consultation.public_id})
    page = inps.get(detail).content.decode()
    assert "Può chiedere la NASpI?" in page and "Zelda" not in page
    time.sleep(0.01)
    inps.post(detail, keyed({"text": "Sì, se il lavoro è finito contro la sua volontà."}))
    consultation.refresh_from_db()
    assert consultation.status == "answered"
    assert consultation.response_time.total_seconds() > 0
    assert "prima risposta dopo" in client.get(detail).content.decode()
    operator_b = client.__class__()
    operator_b.force_login(personas.operator_b)
    assert operator_b.get(detail).status_code == 404


def test_notifications_are_neutral_and_one_per_recipient(
    personas, screened_case, settings, django_capture_on_commit_callbacks
):
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    with django_capture_on_commit_callbacks(execute=True):
        transmission_send(
            actor=personas.referent_a, case=screened_case, office=personas.inps_office
        )
    from scarpette.notifications.models import OutboxMessage

    messages = list(OutboxMessage.objects.all())
    assert [m.recipient for m in messages] == [settings.INPS_MAILBOX]
    for message in messages:
        text = (message.subject + message.body).lower()
        for word in ("zelda", "centro a", "violen", screened_case.code.lower()):
            assert word not in text


def test_a_specialist_assigns_to_a_colleague_of_her_office_only(personas, client, screened_case):
    from scarpette.accounts.models import Organisation
    from scarpette.accounts.testing import make_user

    colleague = make_user(
        "inps2@example.org", "Ida Consulente", "consulente_inps", personas.inps_office
    )
    other_office = Organisation.objects.create(name="Altra sede", kind="inps")
    stranger = make_user("inps3@example.org", "Eva Consulente", "consulente_inps", other_office)
    consent_record(actor=personas.referent_a, case=screened_case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=screened_case, office=personas.inps_office
    )
    client.force_login(personas.inps_specialist)
    url = reverse(
        "referrals:inbox_step", kwargs={"public_id": transmission.public_id, "step": "assegna"}
    )
    client.post(url, keyed({"assignee": str(stranger.public_id)}))
    transmission.refresh_from_db()
    assert transmission.assigned_to is None
    client.post(url, keyed({"assignee": str(colleague.public_id)}))
    transmission.refresh_from_db()
    assert transmission.assigned_to == colleague
    stranger_client = client.__class__()
    stranger_client.force_login(stranger)
    detail = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    assert stranger_client.get(detail).status_code == 404
