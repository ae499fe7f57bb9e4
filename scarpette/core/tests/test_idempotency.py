"""Double submission: every form that creates or sends something, posted twice with the same key
(a double click, a replay, a retry), creates one object, writes one audit event and queues one
mail. A form without a key is refused with words, never a 500 and never a duplicate."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from scarpette.accounts.models import Organisation, User
from scarpette.accounts.testing import PASSWORD
from scarpette.applications.models import Application
from scarpette.audit.models import AuditEvent
from scarpette.cases.models import Case, CaseNote, Consent
from scarpette.cases.services import case_open, consent_record
from scarpette.core.models import IdempotencyKey
from scarpette.notifications.models import OutboxMessage
from scarpette.questionnaire.models import QuestionnaireSession, ScreeningRun
from scarpette.questionnaire.services import session_complete, session_rerun, session_start
from scarpette.referrals.models import Consultation, ConsultationMessage, Transmission
from scarpette.referrals.services import consultation_ask, transmission_send

DUPLICATE = "Già inviato: nessun duplicato creato."
STALE = "Questo modulo non è più valido: ricarica la pagina e invialo di nuovo."


@pytest.fixture
def world(personas):
    """A screened percorso of centre A with every consent, transmitted, with a consultation."""
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.answers = {"citizenship": "IT", "has_isee": "yes", "isee_known": "dont_know"}
    session.save(update_fields=["answers_json"])
    session_complete(actor=personas.operator_a, session=session)
    for purpose in ("transmission", "consultation"):
        consent_record(actor=personas.referent_a, case=case, purpose=purpose)
    transmission = transmission_send(
        actor=personas.referent_a, case=case, office=personas.inps_office
    )
    consultation = consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["naspi"],
        text="Domanda",
    )
    return {
        "p": personas,
        "case": case,
        "session": session,
        "transmission": transmission,
        "consultation": consultation,
    }


def _signed_in(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


# name -> (user, url, data, what is counted)
def _forms(w):
    p, case, t, c = w["p"], w["case"], w["transmission"], w["consultation"]
    case_kw = {"public_id": case.public_id}
    return {
        "open percorso": (
            p.operator_a,
            reverse("cases:case_open"),
            {"opened_on": "2026-03-02"},
            lambda: Case.objects.count(),
        ),
        "add note": (
            p.operator_a,
            reverse("cases:case_note", kwargs=case_kw),
            {"text": "Colloquio fissato"},
            lambda: CaseNote.objects.count(),
        ),
        "give consent": (
            p.operator_a,
            reverse("cases:consent_give", kwargs=case_kw),
            {"purpose": "statistics"},
            lambda: Consent.objects.count(),
        ),
        "withdraw consent": (
            p.operator_a,
            reverse("cases:consent_withdraw", kwargs=case_kw),
            {"purpose": "consultation", "confirm": "1"},
            lambda: AuditEvent.objects.filter(action="cases.consent.withdrawn").count(),
        ),
        "start questionnaire": (
            p.operator_a,
            reverse("questionnaire:session_start", kwargs={"case_id": case.public_id}),
            {"mode": "self", "language": "it"},
            lambda: QuestionnaireSession.objects.count(),
        ),
        "screen again": (
            p.operator_a,
            reverse("questionnaire:session_rerun", kwargs={"public_id": w["session"].public_id}),
            {},
            lambda: ScreeningRun.objects.count(),
        ),
        "transmit to INPS": (
            p.referent_a,
            reverse("referrals:transmit", kwargs={"case_id": case.public_id}),
            {"office": str(p.inps_office.public_id)},
            lambda: Transmission.objects.count(),
        ),
        "INPS asks information": (
            p.inps_specialist,
            reverse("referrals:inbox_step", kwargs={"public_id": t.public_id, "step": "chiedi"}),
            {"text": "Serve la data"},
            lambda: t.events.filter(kind="info_requested").count(),
        ),
        "INPS advice": (
            p.inps_specialist,
            reverse("referrals:inbox_step", kwargs={"public_id": t.public_id, "step": "parere"}),
            {"measure": "naspi", "text": "Presentare entro 68 giorni"},
            lambda: t.events.filter(kind="advice").count(),
        ),
        "open consultation": (
            p.operator_a,
            reverse("referrals:case_consultations", kwargs={"case_id": case.public_id}),
            {"office": str(p.inps_office.public_id), "measures": ["naspi"], "text": "Si può?"},
            lambda: Consultation.objects.count(),
        ),
        "consultation reply": (
            p.inps_specialist,
            reverse("referrals:consultation_detail", kwargs={"public_id": c.public_id}),
            {"text": "Sì"},
            lambda: ConsultationMessage.objects.count(),
        ),
        "start application": (
            p.operator_a,
            reverse("applications:application_list", kwargs={"case_id": case.public_id}),
            {"measure": "assegno_inclusione"},
            lambda: Application.objects.count(),
        ),
        "invite operator": (
            p.referent_a,
            reverse("accounts:centre_staff"),
            {"full_name": "Nora Nuova", "email": "nora@example.org"},
            lambda: User.objects.count(),
        ),
        "create account": (
            p.admin,
            reverse("accounts:account_create"),
            {"full_name": "Olga", "email": "olga@example.org", "role": "tavolo"}
            | {"organisation": str(p.comune.public_id)},
            lambda: User.objects.count(),
        ),
        "create organisation": (
            p.admin,
            reverse("accounts:organisation_create"),
            {"name": "Centro Nuovo", "kind": "cav", "is_active": "on", "is_active_shown": "1"},
            lambda: Organisation.objects.count(),
        ),
    }


FORMS = [
    "open percorso",
    "add note",
    "give consent",
    "withdraw consent",
    "start questionnaire",
    "screen again",
    "transmit to INPS",
    "INPS asks information",
    "INPS advice",
    "open consultation",
    "consultation reply",
    "start application",
    "invite operator",
    "create account",
    "create organisation",
]


@pytest.mark.parametrize("form", FORMS)
def test_the_same_form_sent_twice_creates_one_object_and_one_mail(
    form, world, client, django_capture_on_commit_callbacks
):
    if form == "transmit to INPS":  # a new screening, not yet transmitted
        session_rerun(actor=world["p"].operator_a, session=world["session"])
    user, url, data, count = _forms(world)[form]
    _signed_in(client, user)
    before, mails_before = count(), OutboxMessage.objects.count()
    audits_before = AuditEvent.objects.exclude(action__endswith="viewed").count()
    payload = {**data, "idempotency_key": str(uuid.uuid4())}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(url, payload)
    assert first.status_code in (200, 302), first.content.decode()[:400]
    assert count() == before + 1, "the first submission must act"
    after_first = (
        OutboxMessage.objects.count(),
        AuditEvent.objects.exclude(action__endswith="viewed").count(),
        len(callbacks),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = client.post(url, payload, follow=True)

    assert count() == before + 1
    assert OutboxMessage.objects.count() == after_first[0]
    assert after_first[0] >= mails_before
    assert AuditEvent.objects.exclude(action__endswith="viewed").count() == after_first[1]
    assert len(callbacks) == 0  # no mail, no task enqueued by the replay
    assert after_first[1] > audits_before
    assert second.status_code == 200
    # A new organisation's unique name is checked by its form before the key is claimed.
    expected = "esiste già" if form == "create organisation" else DUPLICATE
    assert expected in second.content.decode()


@pytest.mark.parametrize("form", FORMS)
def test_a_form_without_its_key_is_refused_in_words_and_creates_nothing(form, world, client):
    user, url, data, count = _forms(world)[form]
    _signed_in(client, user)
    before = count()

    response = client.post(url, data, follow=True)

    assert response.status_code in (200, 400)
    assert STALE in response.content.decode()
    assert count() == before


def test_a_replayed_percorso_form_leads_to_the_first_percorso(personas, client):
    client.force_login(personas.operator_a)
    payload = {"opened_on": "2026-03-02", "idempotency_key": str(uuid.uuid4())}
    first = client.post(reverse("cases:case_open"), payload)
    second = client.post(reverse("cases:case_open"), payload)
    case = Case.objects.get()
    assert first.url == second.url == reverse("cases:case_detail", args=[case.public_id])


def test_a_key_is_not_shared_with_another_person(personas, client):
    key = str(uuid.uuid4())
    client.force_login(personas.operator_a)
    mine = client.post(
        reverse("cases:case_open"), {"opened_on": "2026-03-02", "idempotency_key": key}
    )
    client.force_login(personas.referent_a)
    hers = client.post(
        reverse("cases:case_open"), {"opened_on": "2026-03-02", "idempotency_key": key}
    )
    # Her submission is hers: a new percorso, never a way to the colleague's result.
    assert Case.objects.count() == 2
    assert mine.url != hers.url
    assert IdempotencyKey.objects.filter(key=key).count() == 2


def test_a_key_used_by_one_form_is_refused_by_another(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    key = str(uuid.uuid4())
    client.post(
        reverse("cases:case_note", args=[case.public_id]), {"text": "x", "idempotency_key": key}
    )
    response = client.post(
        reverse("cases:case_open"), {"opened_on": "2026-03-02", "idempotency_key": key}
    )
    assert STALE in response.content.decode()
    assert Case.objects.count() == 1


def test_a_malformed_key_is_refused_without_a_500(personas, client):
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("cases:case_open"), {"opened_on": "2026-03-02", "idempotency_key": "not-a-uuid"}
    )
    assert response.status_code == 200 and STALE in response.content.decode()
    assert not Case.objects.exists()


def test_a_refused_submission_does_not_use_up_its_key(personas, client):
    """The service's failure rolls the key back: the corrected form goes through."""
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    url = reverse("referrals:case_consultations", kwargs={"case_id": case.public_id})
    payload = {
        "office": str(personas.inps_office.public_id),
        "measures": ["naspi"],
        "text": "Si può?",
        "idempotency_key": str(uuid.uuid4()),
    }
    assert "Manca il consenso" in client.post(url, payload).content.decode()
    consent_record(actor=personas.operator_a, case=case, purpose="consultation")
    assert client.post(url, payload).status_code == 302
    assert Consultation.objects.count() == 1


def test_keys_older_than_a_week_are_purged(personas):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        IdempotencyKey.objects.create(actor=personas.operator_a, key=uuid.uuid4(), scope="x")
    recent = IdempotencyKey.objects.create(actor=personas.operator_a, key=uuid.uuid4(), scope="x")

    call_command("purge_idempotency_keys")

    assert list(IdempotencyKey.objects.all()) == [recent]
