"""The whole chain in Chromium: questionnaire, transmission with re-authentication, the INPS
inbox asking for more, the centre answering, advice, and the application and its outcome."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in
from scarpette.cases.services import case_open, consent_record
from scarpette.notifications.models import OutboxMessage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def submit(page, selector: str) -> None:
    page.evaluate("window.__old = true")
    page.click(selector)
    page.wait_for_function("() => window.__old !== true")
    page.wait_for_load_state()


def sign_out(page) -> None:
    submit(page, "header button:has-text('Esci')")


def test_the_whole_chain(page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    consent_record(actor=personas.operator_a, case=case, purpose="transmission")

    # 1. The operator fills the questionnaire with the woman.
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/questionario/")
    page.check("input[name=mode][value=assisted]")
    submit(page, "main button[type=submit]")
    answers = {
        "citizenship": "IT",
        "followed_by_cav": "yes",
        "employment": "unemployed",
        "job_loss_involuntary": "yes",
        "has_isee": "yes",
        "isee_known": "dont_know",
    }
    for _ in range(30):
        if "/risultato/" in page.url:
            break
        for name, value in answers.items():
            option = page.locator(f"input[name={name}][value={value}]")
            if option.count() and not option.is_checked():
                option.check()
                # The follow-ups this answer opens come without a reload (htmx): wait for them.
                page.wait_for_function("() => !document.querySelector('.htmx-request')")
        submit(page, ".actions button[name=action][value=next]")
    assert "/risultato/" in page.url
    sign_out(page)

    # 2. The referent transmits: she has just signed in, which counts as a recent
    # authentication (the prompt after the timeout is tested in accounts/tests).
    sign_in(page, personas.referent_a)
    page.goto(f"/percorsi/{case.public_id}/inps/")
    axe_check(page, "case-inps")
    page.select_option("select[name=office]", str(personas.inps_office.public_id))
    page.fill("textarea[name=question]", "Quali misure possiamo chiedere subito?")
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, "main form button:has-text('Trasmetti a INPS')")
    assert "/reauthenticate/" not in page.url
    page.goto(f"/percorsi/{case.public_id}/inps/")
    assert page.get_by_text("Trasmessa a INPS").count() >= 1
    sign_out(page)

    # 3. The INPS specialist finds it in the inbox and asks for more information.
    sign_in(page, personas.inps_specialist)
    page.goto("/inps/casella/")
    axe_check(page, "inps-inbox")
    submit(page, "table a")
    assert case.code in page.content()
    assert "Quali misure possiamo chiedere subito?" in page.content()
    axe_check(page, "inps-inbox-detail")
    submit(page, "main form button:has-text('Prendi in carico')")
    page.fill("form[action$='/chiedi/'] textarea[name=text]", "Quando è finito il lavoro?")
    submit(page, "main form button:has-text('Invia la richiesta')")
    sign_out(page)

    # 4. The centre answers.
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/inps/")
    assert "Quando è finito il lavoro?" in page.content()
    page.fill("textarea[name=text]", "Il contratto è scaduto il mese scorso.")
    submit(page, "main form button:has-text('Rispondi a INPS')")
    sign_out(page)

    # 5. The specialist records her advice.
    sign_in(page, personas.inps_specialist)
    page.goto("/inps/casella/")
    submit(page, "table a")
    assert "Il contratto è scaduto il mese scorso." in page.content()
    page.select_option("select[name=measure]", "naspi")
    page.fill("form[action$='/parere/'] textarea[name=text]", "Presentare la NASpI subito.")
    submit(page, "main form button:has-text('Registra il parere')")
    assert page.get_by_text("Presentare la NASpI subito.").count() >= 1
    sign_out(page)

    # 6. The operator records the application and its outcome.
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/inps/")
    assert "Presentare la NASpI subito." in page.content()
    record_application_and_outcome(page, case, axe_check)

    # The mails that went out name nobody and no centre.
    for message in OutboxMessage.objects.all():
        text = (message.subject + message.body).lower()
        assert "centro a" not in text and case.code.lower() not in text and "violen" not in text


def record_application_and_outcome(page, case, axe_check) -> None:
    import datetime as dt

    from scarpette.applications.models import Application

    today = dt.date.today().isoformat()
    page.goto(f"/percorsi/{case.public_id}/domande/")
    axe_check(page, "applications-list")
    submit(page, "main form button:has-text('NASpI')")
    axe_check(page, "application-detail")
    for checkbox in page.locator("input[name=documents_ready]").all():
        checkbox.check()
    page.select_option("select[name=status]", "submitted")
    page.fill("input[name=submitted_on]", today)
    page.fill("input[name=channel]", "Sito INPS, con il patronato")
    page.fill("input[name=protocol_number]", "INPS.1234.2026")
    submit(page, "main button:has-text('Salva')")
    page.select_option("select[name=status]", "decided")
    page.select_option("select[name=outcome]", "granted")
    page.fill("input[name=amount]", "850,00")
    page.select_option("select[name=amount_period]", "monthly")
    page.fill("input[name=start_on]", today)
    submit(page, "main button:has-text('Salva')")
    application = Application.objects.get(case=case, measure="naspi")
    assert application.status == "decided" and application.outcome == "granted"
    assert str(application.amount) == "850.00"
    page.goto(f"/percorsi/{case.public_id}/")
    glance = page.locator("section[aria-labelledby=glance-title]").inner_text()
    assert "NASpI" in glance
    axe_check(page, "case-detail-with-glance")
