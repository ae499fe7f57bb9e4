"""The work queue on the dashboard: what waits for her, oldest first, with the percorso's code and
one link to act; the referent's extra queue; the INPS specialist's inbox by status; empty states
that say what to do next; nothing of another centre."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scarpette.applications.models import Deadline
from scarpette.cases.services import case_open, consent_record
from scarpette.core.timewords import due_words, waiting_words
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Consultation, ConsultationMessage, TransmissionEvent
from scarpette.referrals.services import (
    consultation_ask,
    consultation_reply,
    transmission_request_info,
    transmission_send,
)


def screened(personas, *, operator=None):
    operator = operator or personas.operator_a
    case = case_open(actor=operator)
    session = session_start(actor=operator, case=case, mode="assisted", language="it")
    session_complete(actor=operator, session=session)
    for purpose in ("transmission", "consultation"):
        consent_record(actor=operator, case=case, purpose=purpose)
    return case


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_inps_request_for_information_waits_in_the_operators_queue(client, personas):
    case = screened(personas)
    transmission = transmission_send(
        actor=personas.referent_a, case=case, office=personas.inps_office
    )
    transmission_request_info(
        actor=personas.inps_specialist, transmission=transmission, text="Data di fine lavoro?"
    )

    html = dashboard(client, personas.operator_a)

    section = html.split('id="queue-inps-info"')[1].split("</section>")[0]
    assert case.code in section
    assert "meno di un&#x27;ora" in section or "meno di un'ora" in section
    answer = reverse("referrals:case_inps", kwargs={"case_id": case.public_id})
    assert f'href="{answer}#risposta-{transmission.public_id}"' in section
    # Centre B sees nothing of it.
    assert case.code not in dashboard(client, personas.operator_b)


def test_the_queue_is_oldest_first(client, personas):
    first, second = screened(personas), screened(personas)
    for case in (first, second):
        t = transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)
        transmission_request_info(actor=personas.inps_specialist, transmission=t, text="Altro?")
    # The second percorso's request was made two days earlier.
    TransmissionEvent.objects.filter(transmission__case=second).update(
        at=timezone.now() - timedelta(days=2)
    )

    html = dashboard(client, personas.operator_a)

    section = html.split('id="queue-inps-info"')[1].split("</section>")[0]
    assert section.index(second.code) < section.index(first.code)
    assert "2 giorni" in section


def test_consultation_answers_deadlines_and_open_questionnaires_wait_in_the_queue(client, personas):
    answered = screened(personas)
    consultation = consultation_ask(
        actor=personas.operator_a,
        case=answered,
        office=personas.inps_office,
        measures=["naspi"],
        text="Domanda?",
    )
    consultation_reply(actor=personas.inps_specialist, consultation=consultation, text="Sì.")
    assert Consultation.objects.get(pk=consultation.pk).status == "answered"
    assert ConsultationMessage.objects.filter(side="inps").exists()
    late = case_open(actor=personas.operator_a)
    Deadline.objects.create(
        case=late, measure="naspi", kind="apply_by", due_on=timezone.localdate() - timedelta(3)
    )
    ongoing = case_open(actor=personas.operator_a)
    session_start(actor=personas.operator_a, case=ongoing, mode="assisted", language="it")
    tablet = case_open(actor=personas.operator_a)
    session_start(actor=personas.operator_a, case=tablet, mode="self", language="it")

    html = dashboard(client, personas.operator_a)

    def section(key):
        return html.split(f'id="queue-{key}"')[1].split("</section>")[0]

    assert answered.code in section("consultation-answers")
    assert late.code in section("deadlines")
    assert "scaduta da 3 giorni" in section("deadlines")
    assert ongoing.code in section("questionnaires")
    assert tablet.code in section("tablet")
    assert tablet.code not in section("questionnaires")
    # A percorso without anything waiting is in no queue.
    assert answered.code not in section("deadlines")


def test_an_empty_queue_says_what_to_do_next(client, personas):
    html = dashboard(client, personas.operator_a)

    assert "Nessuna richiesta di INPS in attesa di risposta." in html
    assert "Per iniziarne uno, apri il percorso" in html
    # Only the referent has the transmission queue.
    assert "Risultati da trasmettere a INPS" not in html


def test_the_referent_sees_results_waiting_to_be_transmitted(client, personas):
    waiting = screened(personas)
    sent = screened(personas)
    transmission_send(actor=personas.referent_a, case=sent, office=personas.inps_office)

    html = dashboard(client, personas.referent_a)

    section = html.split('id="queue-to-transmit"')[1].split("</section>")[0]
    assert waiting.code in section
    assert sent.code not in section
    assert "Accessi di emergenza degli amministratori" in html


def test_the_inps_dashboard_shows_the_inbox_by_status_with_waiting_times(client, personas):
    case = screened(personas)
    transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)

    html = dashboard(client, personas.inps_specialist)

    assert "Nessuna trasmissione ricevuta" not in html
    section = html.split('id="queue-inps-to-claim"')[1].split("</section>")[0]
    assert case.code in section
    assert "meno di un" in section
    assert "La più vecchia attende da" in html


def test_the_inps_dashboard_says_nothing_was_received_when_so(client, personas):
    html = dashboard(client, personas.inps_specialist)
    assert "Nessuna trasmissione ricevuta" in html


@pytest.mark.parametrize(
    ("hours", "words"),
    [(0.2, "meno di un'ora"), (1, "1 ora"), (5, "5 ore"), (24, "1 giorno"), (75, "3 giorni")],
)
def test_waiting_times_read_as_words(hours, words):
    assert waiting_words(timedelta(hours=hours)) == words


def test_due_dates_read_as_words():
    today = timezone.localdate()
    assert due_words(today, today).startswith("scade oggi")
    assert due_words(today + timedelta(days=3), today).startswith("scade tra 3 giorni")
    assert due_words(today - timedelta(days=1), today).startswith("scaduta da 1 giorno")


def test_the_queue_shows_at_most_the_oldest_twenty_with_a_link_to_the_rest(client, personas):
    cases = [case_open(actor=personas.operator_a) for _ in range(21)]
    for case in cases:
        session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    QuestionnaireSession.objects.filter(case=cases[-1]).update(
        updated_at=timezone.now() - timedelta(days=9)
    )

    html = dashboard(client, personas.operator_a)

    section = html.split('id="queue-questionnaires"')[1].split("</section>")[0]
    assert section.count('<th scope="row"') == 20
    assert cases[-1].code in section  # the oldest is shown first
    assert cases[-2].code not in section  # the newest is left to the full list
    assert "Tutti i percorsi con un questionario in corso" in section
