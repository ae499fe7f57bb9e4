"""A questionnaire that flows: follow-up questions appear as soon as the answer is given, without
a page reload; with JavaScript off "Avanti" shows them; "has children: yes" with no child added is
caught on the page."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in
from scarpette.cases.services import case_open
from scarpette.questionnaire.services import session_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

INCOME, HOUSEHOLD = 3, 5
ISEE_KNOWN = "Conosce il valore del suo ISEE?"


def open_page(page, personas, index: int):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.section_index = index
    session.save(update_fields=["section_index"])
    sign_in(page, personas.operator_a)
    page.goto(f"/questionario/{session.public_id}/")
    return session


@pytest.fixture
def page_without_js(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="it-IT", java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_follow_up_appears_without_a_page_reload(page, personas, axe_check):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    session = open_page(page, personas, INCOME)
    assert page.get_by_text(ISEE_KNOWN).count() == 0
    page.evaluate("window.__samePage = true")
    loads: list[str] = []
    page.on("load", lambda _page: loads.append("load"))

    page.check("input[name=has_isee][value=yes]")

    page.get_by_text(ISEE_KNOWN).wait_for()
    assert page.evaluate("window.__samePage") is True
    assert loads == []
    # The answer she gave keeps the focus, and a screen reader hears that questions appeared.
    assert page.evaluate("document.activeElement.name + '=' + document.activeElement.value") == (
        "has_isee=yes"
    )
    assert page.locator("#q-announce").inner_text() == "Nuove domande: 1"
    axe_check(page, "questionnaire-follow-up")

    page.check("input[name=isee_known][value=yes]")
    page.locator("input[name=isee]").wait_for()
    page.fill("input[name=isee]", "9.500,00")
    assert page.evaluate("window.__samePage") is True

    # Enter in the field sends "Avanti": the page with the follow-ups is saved in one go.
    with page.expect_navigation():
        page.press("input[name=isee]", "Enter")
    session.refresh_from_db()
    assert session.section_index == INCOME + 1
    assert session.answers["isee"] == 9500
    # No script or style refused by the Content-Security-Policy, no script error (Bootstrap
    # Italia's CSS names data: fonts, refused by font-src: not ours to fix here).
    assert [p for p in problems if "font-src" not in p] == []


def test_a_changed_mind_hides_the_follow_up_again(page, personas):
    open_page(page, personas, INCOME)
    page.check("input[name=has_isee][value=yes]")
    page.get_by_text(ISEE_KNOWN).wait_for()

    page.check("input[name=has_isee][value=no]")

    page.get_by_text(ISEE_KNOWN).wait_for(state="detached")
    assert page.locator("input[name=has_isee][value=no]").is_checked()


def test_with_javascript_off_avanti_shows_the_follow_up(page_without_js, personas, axe_check):
    page = page_without_js
    session = open_page(page, personas, INCOME)
    assert page.get_by_text(ISEE_KNOWN).count() == 0

    page.check("input[name=has_isee][value=yes]")
    page.click(".actions button[name=action][value=next]")
    page.wait_for_load_state()

    assert page.get_by_text(ISEE_KNOWN).count() == 1
    assert page.locator(".errorlist").count() == 0
    session.refresh_from_db()
    assert session.section_index == INCOME
    assert session.answers == {"has_isee": "yes"}


def test_yes_to_children_without_a_child_is_caught_on_the_page(page, personas, axe_check):
    session = open_page(page, personas, HOUSEHOLD)
    page.evaluate("window.__samePage = true")

    page.check("input[name=has_children][value=yes]")
    page.get_by_role("button", name="Aggiungi un figlio o una figlia").wait_for()
    assert page.evaluate("window.__samePage") is True

    page.click(".actions button[name=action][value=next]")
    page.wait_for_load_state()

    error = page.locator("#err-children")
    assert "aggiungi almeno un figlio o una figlia" in error.inner_text()
    axe_check(page, "questionnaire-children-missing")
    session.refresh_from_db()
    assert session.section_index == HOUSEHOLD
    assert "children" not in session.answers or session.answers["children"] == []


def test_what_she_types_while_a_refresh_is_on_its_way_is_kept(page, personas):
    session = open_page(page, personas, INCOME)
    session.answers = {"household_income_known": "yes"}
    session.save(update_fields=["answers_json"])
    page.reload()
    held = []

    def hold_the_first_refresh(route):
        if route.request.headers.get("hx-request") and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/questionario/**", hold_the_first_refresh)
    page.check("input[name=has_isee][value=yes]")
    while not held:
        page.wait_for_timeout(20)
    page.click("input[name=household_income]")
    page.keyboard.type("1200")

    held[0].continue_()

    page.get_by_text(ISEE_KNOWN).wait_for()
    assert page.input_value("input[name=household_income]") == "1200"
    assert page.locator("input[name=has_isee][value=yes]").is_checked()
