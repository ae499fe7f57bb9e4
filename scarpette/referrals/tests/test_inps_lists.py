"""The INPS specialist's lists identify their rows: percorso code, needs and measures in words,
status, waiting time in words, assignee; filters and sorting through a form that ignores (and
names) a bad value; pagination keeps the filters; a centre's reply is announced as a reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Transmission
from scarpette.referrals.selectors import measure_names
from scarpette.referrals.services import (
    consultation_ask,
    consultation_reply,
    transmission_answer_info,
    transmission_claim,
    transmission_request_info,
    transmission_send,
)


def screened(personas, needs=("money",)):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.answers = {
        "citizenship": "IT",
        "has_isee": "yes",
        "isee_known": "dont_know",
        "needs": list(needs),
    }
    session.save(update_fields=["answers_json"])
    session_complete(actor=personas.operator_a, session=session)
    for purpose in ("transmission", "consultation"):
        consent_record(actor=personas.operator_a, case=case, purpose=purpose)
    return case


def sent(personas, **kwargs) -> Transmission:
    case = screened(personas, **kwargs)
    return transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)


def rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[1:]


@pytest.fixture
def inps(client, personas):
    client.force_login(personas.inps_specialist)
    return client


def test_each_inbox_row_says_code_needs_measures_status_waiting_and_assignee(personas, inps):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        first = sent(personas, needs=("money", "housing"))
    transmission_claim(actor=personas.inps_specialist, transmission=first)
    second = sent(personas, needs=("work",))

    html = inps.get(reverse("referrals:inbox")).content.decode()

    older, newer = rows(html)  # oldest first by default
    assert first.case.code in older and second.case.code in newer
    assert "sostegno economico, casa" in older and "lavoro" in newer
    assert first.measures, "the screening concerns at least one measure"
    assert all(measure_names()[m] in older for m in first.measures)
    assert "Presa in carico" in older and "Inviata" in newer
    assert "3 giorni" not in older  # claimed today: waiting since the latest step
    assert "meno di un&#x27;ora" in older and "meno di un&#x27;ora" in newer
    assert personas.inps_specialist.full_name in older and "Nessuna" in newer
    for code in first.measures:
        assert f">{code}<" not in html  # measure ids never shown


def test_inbox_waiting_time_is_in_days_and_sorting_follows_the_form(personas, inps):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        old = sent(personas)
    new = sent(personas)
    transmission_claim(actor=personas.inps_specialist, transmission=new)

    oldest = rows(inps.get(reverse("referrals:inbox")).content.decode())
    newest = rows(inps.get(reverse("referrals:inbox"), {"ordine": "newest"}).content.decode())
    by_status = rows(inps.get(reverse("referrals:inbox"), {"ordine": "status"}).content.decode())

    assert old.case.code in oldest[0] and "3 giorni" in oldest[0]
    assert new.case.code in newest[0]
    assert old.case.code in by_status[0]  # "Inviata" comes before "Presa in carico"


def test_inbox_filters_by_status_assignment_and_measure(personas, inps):
    mine = sent(personas)
    transmission_claim(actor=personas.inps_specialist, transmission=mine)
    free = sent(personas)
    # Two screenings that concern different measures (stored as the sending service would).
    measure, other = mine.measures[0], mine.measures[1]
    Transmission.objects.filter(pk=mine.pk).update(measures=[measure])
    Transmission.objects.filter(pk=free.pk).update(measures=[other])

    def codes(**params):
        html = inps.get(reverse("referrals:inbox"), params).content.decode()
        return {t.case.code for t in (mine, free) if t.case.code in html}

    assert codes(assegnate="mine") == {mine.case.code}
    assert codes(assegnate="none") == {free.case.code}
    assert codes(stato="sent") == {free.case.code}
    assert codes(misura=measure) == {mine.case.code}
    assert codes(misura=other) == {free.case.code}
    assert codes() == {mine.case.code, free.case.code}
    assert codes(mie="1") == {mine.case.code}  # the dashboard's older links


@pytest.mark.parametrize(
    "params", [{"misura": "nope"}, {"ordine": "\x00"}, {"assegnate": "x" * 500}]
)
def test_a_bad_inbox_filter_is_named_and_ignored(personas, inps, params):
    transmission = sent(personas)

    response = inps.get(reverse("referrals:inbox"), params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Un filtro non è valido e non è stato applicato" in html
    assert transmission.case.code in html


def test_inbox_pagination_keeps_the_filters(personas, inps, settings):
    for _ in range(26):
        transmission_claim(actor=personas.inps_specialist, transmission=sent(personas))

    html = inps.get(reverse("referrals:inbox"), {"assegnate": "mine", "ordine": "newest"})
    html = html.content.decode()

    assert "Pagina 1 di 2" in html
    assert "?assegnate=mine&amp;ordine=newest&amp;page=2" in html


def test_a_centre_reply_is_announced_in_the_inbox_and_the_timeline(personas, inps):
    transmission = sent(personas)
    transmission_request_info(
        actor=personas.inps_specialist, transmission=transmission, text="Serve la data."
    )
    transmission_answer_info(
        actor=personas.operator_a, transmission=transmission, text="Il 3 marzo."
    )

    inbox = inps.get(reverse("referrals:inbox")).content.decode()
    detail = inps.get(
        reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
    ).content.decode()

    assert "Risposta del centro ricevuta" in rows(inbox)[0]
    assert "Risposta del centro ricevuta" in detail and "Il 3 marzo." in detail


def test_a_withdrawn_transmission_stays_a_bare_row(personas, inps):
    from scarpette.cases.services import consent_withdraw

    transmission = sent(personas)
    consent_withdraw(actor=personas.operator_a, case=transmission.case, purpose="transmission")

    html = inps.get(reverse("referrals:inbox")).content.decode()

    assert "Ritirata" in html
    assert transmission.case.code not in html
    assert "sostegno economico" not in html


def test_the_consultations_list_identifies_and_filters_its_rows(personas, inps):
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        waiting = consultation_ask(
            actor=personas.operator_a,
            case=screened(personas, needs=("housing",)),
            office=personas.inps_office,
            measures=["naspi"],
            text="Una domanda.",
        )
    answered = consultation_ask(
        actor=personas.operator_a,
        case=screened(personas),
        office=personas.inps_office,
        measures=["assegno_inclusione"] if "assegno_inclusione" in measure_names() else ["naspi"],
        text="Un'altra domanda.",
    )
    consultation_reply(actor=personas.inps_specialist, consultation=answered, text="Sì.")
    consultation_reply(actor=personas.operator_a, consultation=answered, text="Grazie, e poi?")
    url = reverse("referrals:inps_consultations")

    first, second = rows(inps.get(url).content.decode())

    assert waiting.case.code in first and "casa" in first and measure_names()["naspi"] in first
    assert "2 giorni" in first and "Aperta" in first
    assert answered.case.code in second
    assert "Risposta del centro ricevuta" in second
    assert personas.inps_specialist.full_name in second
    mine = inps.get(url, {"assegnate": "mine"}).content.decode()
    assert answered.case.code in mine and waiting.case.code not in mine
    none = inps.get(url, {"assegnate": "none"}).content.decode()
    assert waiting.case.code in none and answered.case.code not in none
    bad = inps.get(url, {"stato": "nope", "page": "x"})
    assert bad.status_code == 200
    assert "Un filtro non è valido" in bad.content.decode()
