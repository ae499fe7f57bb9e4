"""The operator runs the questionnaire with the woman, in Italian: every page passes axe-core."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import save_artifact, sign_in
from scarpette.cases.services import case_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def submit(page, selector: str) -> None:
    page.evaluate("window.__old = true")
    page.click(selector)
    page.wait_for_function("() => window.__old !== true")
    page.wait_for_load_state()


def settle(page) -> None:
    """Wait until the follow-ups an answer opens are on the page (the htmx refresh is done)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_assisted_questionnaire_in_italian(page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/")
    submit(page, "text=Questionario dei bisogni e misure possibili")
    axe_check(page, "questionnaire-start")
    page.check("input[name=mode][value=assisted]")
    page.select_option("main select[name=language]", "uk")
    submit(page, "main button[type=submit]")
    for seen in range(30):
        if "/risultato/" in page.url:
            break
        assert page.locator("html").get_attribute("lang") == "it"
        assert page.locator(".q-translation[lang=uk]").count() > 0  # her language beside Italian
        axe_check(page, f"questionnaire-page-{seen}")
        for name, value in {
            "citizenship": "IT",
            "has_isee": "yes",
            "isee_known": "yes",
            "followed_by_cav": "yes",
            "employment": "unemployed",
        }.items():
            option = page.locator(f"input[name={name}][value={value}]")
            if option.count() and not option.is_checked():
                option.check()
                settle(page)
        if page.locator("input[name=isee]").count():
            page.fill("input[name=isee]", "9.500,00")
        submit(page, ".actions button[name=action][value=next]")
    assert "/risultato/" in page.url
    assert page.get_by_text("È un orientamento, non una decisione").count() == 1
    page.screenshot(path=str(save_artifact("result-it.png")), full_page=True)
    axe_check(page, "questionnaire-result")
    submit(page, "text=Riepilogo per la donna (stampa)")
    assert page.locator("article[lang=uk]").count() == 1
    axe_check(page, "questionnaire-summary-uk")
    page.goto("/questionario/riconsegna/")
    axe_check(page, "questionnaire-handback")


def test_tablet_code_and_form_versions_pages(page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/questionario/")
    page.check("input[name=mode][value=self]")
    submit(page, "main button[type=submit]")
    submit(page, 'main form button:has-text("Genera il codice")')
    assert len(page.locator("#tablet-code").inner_text().strip()) == 6
    axe_check(page, "questionnaire-tablet-code")
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url("**/accounts/login/")
    sign_in(page, personas.admin)
    page.goto("/amministrazione/questionario/")
    axe_check(page, "questionnaire-versions")


def test_enter_in_a_field_moves_forward_never_back(page, personas):
    case = case_open(actor=personas.operator_a)
    sign_in(page, personas.operator_a)
    page.goto(f"/percorsi/{case.public_id}/questionario/")
    page.check("input[name=mode][value=assisted]")
    submit(page, "main button[type=submit]")
    answers = {"citizenship": "IT", "has_isee": "yes", "isee_known": "yes"}
    for _ in range(20):  # forward, as the first test does, until the page asking her ISEE
        field = page.locator("input[name=isee]")
        progress = int(page.locator("progress").get_attribute("value"))
        if field.count():
            break
        for name, value in answers.items():
            option = page.locator(f"input[name={name}][value={value}]")
            if option.count() and not option.is_checked():
                option.check()
                settle(page)
        submit(page, ".actions button[name=action][value=next]")
    else:
        pytest.fail("the ISEE question never came")
    assert page.locator(".actions button[value=back]").count() == 1
    # "Indietro" is the first visible button, yet Enter in the field sends "Avanti".
    field.fill("9.500,00")
    # (Leaving the field also asks htmx for the follow-ups: that request saves nothing.)
    with page.expect_request(
        lambda request: request.method == "POST" and "hx-request" not in request.headers
    ) as sent:
        field.press("Enter")
    body = sent.value.post_data
    assert "action=next" in body and "action=back" not in body
    page.wait_for_load_state()
    assert int(page.locator("progress").get_attribute("value")) >= progress  # never back
