"""Assisted mode in Arabic and Italian, the tablet's screens in every language, and the quick-exit
hint that only keyboards need: what the browser shows, with axe-core at zero violations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.accounts.browser_fixtures import save_artifact, sign_in
from scarpette.cases.services import case_open
from scarpette.questionnaire.services import session_start, tablet_code_issue
from scarpette.questionnaire.tablet_texts import tablet_texts

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AR = tablet_texts("ar")


def submit(page, selector: str) -> None:
    page.evaluate("window.__old = true")
    page.click(selector)
    page.wait_for_function("() => window.__old !== true")
    page.wait_for_load_state()


@pytest.fixture
def touch_tablet(chromium, live_server):
    """A touch screen (no hover, coarse pointer), like the centre's tablet."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="it-IT",
        viewport={"width": 768, "height": 1024},
        has_touch=True,
        is_mobile=True,
    )
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(
            status=200, body="<html><body>neutral</body></html>", content_type="text/html"
        ),
    )
    page = context.new_page()
    yield page
    context.close()


def test_the_esc_hint_is_for_keyboards_only(page, touch_tablet, axe_check):
    page.goto("/t/")
    assert page.locator(".quick-exit-hint").is_visible()
    assert page.get_by_role("link", name="Esci subito").is_visible()

    touch_tablet.goto("/t/")
    assert touch_tablet.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
    assert not touch_tablet.locator(".quick-exit-hint").is_visible()
    assert touch_tablet.get_by_role("link", name="Esci subito").is_visible()
    touch_tablet.screenshot(path=str(save_artifact("tablet-start-touch.png")), full_page=True)
    axe_check(touch_tablet, "tablet-start-touch")


def test_the_start_and_language_screens_speak_every_language(touch_tablet, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=session)

    touch_tablet.goto("/t/")
    arabic = touch_tablet.locator("#start-help li[lang=ar]")
    assert arabic.get_attribute("dir") == "rtl"
    assert arabic.inner_text() == f"العربية {AR['code_help']}"
    assert touch_tablet.locator("#start-help li[lang=zh] .lang-name").inner_text() == "中文"
    axe_check(touch_tablet, "tablet-start-every-language")

    touch_tablet.fill("#code", code)
    submit(touch_tablet, "main button[type=submit]")
    heading = touch_tablet.locator(".lang-headings span[lang=ar]")
    assert heading.inner_text() == AR["choose_language"]
    assert heading.get_attribute("dir") == "rtl"
    ukrainian = tablet_texts("uk")["privacy_note"]
    assert touch_tablet.locator("#privacy-notes li[lang=uk]").inner_text() == ukrainian
    touch_tablet.screenshot(path=str(save_artifact("tablet-language-touch.png")), full_page=True)
    axe_check(touch_tablet, "tablet-language-every-language")


def test_the_operator_reads_the_controls_in_italian_and_arabic(page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="ar")
    sign_in(page, personas.operator_a)
    url = reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})

    page.goto(url)
    forward = page.locator(".actions button[value=next]")
    assert forward.locator(".q-translation").inner_text() == AR["next"]
    assert forward.locator(".q-translation").get_attribute("lang") == "ar"
    assert forward.locator(".q-translation").get_attribute("dir") == "rtl"
    assert forward.inner_text().startswith("Avanti")
    page.fill("input[name=age]", "trenta")
    submit(page, ".actions button[value=next]")
    error = page.locator("#err-age")
    assert error.inner_text().startswith("Scrivi un numero intero, per esempio 3.")
    assert error.locator(".q-translation[lang=ar]").inner_text() == AR["not_integer"]
    page.screenshot(path=str(save_artifact("assisted-ar-controls.png")), full_page=True)
    axe_check(page, "assisted-ar-errors")

    session.answers = {"has_children": "yes", "children": [{}]}
    session.save()
    page.goto(url + "?pagina=5")
    add = page.locator("button[value=add_repeat]")
    assert add.locator(".q-translation[lang=ar]").inner_text() == AR["add_child"]
    axe_check(page, "assisted-ar-children")
