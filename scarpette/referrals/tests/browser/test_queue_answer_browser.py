"""In Chromium: an operator sees INPS's request for information in her dashboard's work queue
and answers it in two clicks (the queue's "Rispondi", then the answer form's button); the reply
is stored, shown on the page, and announced to INPS as the centre's reply. axe-core on both
pages, and on the percorsi list with its new columns and filters."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in
from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Transmission
from scarpette.referrals.services import transmission_request_info, transmission_send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def submit(page, selector: str) -> None:
    page.evaluate("window.__old = true")
    page.click(selector)
    page.wait_for_function("() => window.__old !== true")
    page.wait_for_load_state()


def test_an_operator_answers_inps_from_her_work_queue_in_two_clicks(page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    consent_record(actor=personas.operator_a, case=case, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=case, office=personas.inps_office
    )
    transmission_request_info(
        actor=personas.inps_specialist,
        transmission=transmission,
        text="Quando è finito il contratto di lavoro?",
    )

    sign_in(page, personas.operator_a)
    page.goto("/")
    queue = page.locator("section[aria-labelledby=queue-inps-info]")
    assert case.code in queue.inner_text()
    axe_check(page, "dashboard-queue-inps-info")

    # Click 1: the queue item opens the percorso's INPS page at the answer form.
    submit(page, f"section[aria-labelledby=queue-inps-info] tr:has-text('{case.code}') a")
    answer = page.locator(f"#risposta-{transmission.public_id}")
    assert answer.is_visible()
    assert "Quando è finito il contratto di lavoro?" in page.content()
    axe_check(page, "case-inps-answer")
    answer.locator("textarea[name=text]").fill("Il 31 marzo, per scadenza del termine.")
    # Click 2: send the answer.
    submit(page, f"#risposta-{transmission.public_id} button[type=submit]")

    assert page.get_by_text("Risposta inviata a INPS").count() >= 1
    assert page.get_by_text("Il 31 marzo, per scadenza del termine.").count() == 1
    assert page.get_by_text("Risposta del centro ricevuta").count() == 1
    transmission.refresh_from_db()
    assert transmission.get_status_display() == "Presa in carico"
    reply = transmission.events.get(kind="info_provided")
    assert reply.text == "Il 31 marzo, per scadenza del termine."
    assert reply.actor == personas.operator_a
    # The queue is empty now, and says what to do next.
    page.goto("/")
    assert case.code not in page.locator("section[aria-labelledby=queue-inps-info]").inner_text()

    # The percorsi list shows the state at INPS, and its filters are accessible.
    page.goto("/percorsi/?inps=acknowledged")
    row = page.locator(f"tbody tr:has-text('{case.code}')")
    assert "Completato" in row.inner_text() and "Presa in carico" in row.inner_text()
    axe_check(page, "case-list-filtered")
    assert Transmission.objects.filter(case=case).count() == 1
