"""In the browser, with axe-core: the result page folds its details and unfolds them to print,
the operator previews the summary in two languages, reads the notice, prints the consent form and
withdraws a consent after confirming; the referent filters her access log."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import ARTIFACTS, sign_in
from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_result_folds_its_details_and_prints_them_unfolded(page, axe_check, personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="ar")
    session_complete(actor=personas.operator_a, session=session)
    sign_in(page, personas.operator_a)

    page.goto(f"/questionario/{session.public_id}/risultato/")
    details = page.locator("details.result-measure")
    assert details.count() > 5
    assert page.locator("details.result-measure[open]").count() == 0
    assert page.get_by_role("heading", name="In sintesi").count() == 1
    axe_check(page, "result-overview")
    first = details.first
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.result-measure:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.result-measure[open]").count() == 1  # the one she opened

    page.get_by_role("link", name="Riepilogo in italiano e nella sua lingua").click()
    assert page.locator("section[lang=ar][dir=rtl] article.summary-document").count() == 1
    assert page.locator("section[lang=it] article.summary-document").count() == 1
    axe_check(page, "summary-preview-ar")
    page.screenshot(path=str(ARTIFACTS / "summary-preview-ar.png"), full_page=True)


def test_notice_consent_form_and_confirmed_withdrawal(page, axe_check, personas):
    case = case_open(actor=personas.operator_a)
    consent_record(actor=personas.operator_a, case=case, purpose="transmission")
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/")

    page.get_by_role("link", name="Leggi l'informativa").click()
    page.get_by_label("Lingua della donna").select_option("ar")
    page.get_by_role("button", name="Mostra").click()
    assert page.locator("article.notice-text[lang=ar][dir=rtl]").count() == 1
    axe_check(page, "notice-ar")

    page.goto(f"/percorsi/{case.public_id}/consensi/modulo/?lingua=uk")
    assert page.locator("section.consent-form-sheet").count() == 2
    assert page.get_by_text("Non acconsento").count() == 4
    axe_check(page, "consent-form-uk")
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "consent-form-uk-print.png"), full_page=True)
    page.emulate_media(media="screen")

    page.goto(f"/percorsi/{case.public_id}/")
    page.get_by_role("button", name="Revoca Trasmissione dei risultati a INPS").click()
    assert page.get_by_text("Sei sicura?").count() == 1
    assert page.get_by_text("INPS non potrà più aprirle").count() == 1
    axe_check(page, "consent-withdraw-confirm")
    page.get_by_role("button", name="Sì, revoca il consenso").click()
    page.wait_for_url(f"**/percorsi/{case.public_id}/")
    assert page.get_by_text("Consenso revocato.").count() == 1


def test_the_referent_filters_her_access_log(page, axe_check, personas):
    case = case_open(actor=personas.operator_a)
    case_open(actor=personas.referent_a)
    sign_in(page, personas.referent_a)
    page.goto("/percorsi/accessi/")
    page.get_by_label("Codice del percorso").fill(case.code)
    page.get_by_role("button", name="Filtra").click()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    assert all(case.code in rows.nth(i).inner_text() for i in range(rows.count()))
    axe_check(page, "access-log-filtered")
    page.screenshot(path=str(ARTIFACTS / "access-log-filtered.png"), full_page=True)
    page.locator("#id_dal").fill("2026-05-02")
    page.locator("#id_al").fill("2026-05-01")
    page.get_by_role("button", name="Filtra").click()
    assert page.get_by_text("La data finale viene prima di quella iniziale.").count() == 1
    axe_check(page, "access-log-error")
