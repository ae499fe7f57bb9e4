"""The Bootstrap Italia look at three sizes: screenshots for people to look at, axe-core on each.

Saved in test-artifacts/ as look-<page>-<size>.png: desktop 1366×768, tablet 768×1024, phone
390×844, of the dashboard, the percorsi list, a percorso, the questionnaire, the result and the
INPS inbox; and the tablet's self-completion in Arabic (right to left) at tablet and phone size.
"""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import save_artifact, sign_in
from scarpette.cases.services import case_open, case_update_identity, consent_record
from scarpette.questionnaire.services import session_complete, session_start, tablet_code_issue
from scarpette.referrals.services import transmission_send

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = {"desktop": (1366, 768), "tablet": (768, 1024), "phone": (390, 844)}


def shoot(page, axe_check, name: str, sizes=SIZES) -> None:
    for size, (width, height) in sizes.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_load_state()
        # The header, the menu and the content stay within the screen: no sideways scrolling.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} at {size}: {overflow}px wider than the screen"
        page.screenshot(path=str(save_artifact(f"look-{name}-{size}.png")), full_page=True)
        axe_check(page, f"look-{name}-{size}")


@pytest.fixture
def world(personas):
    operator = personas.operator_a
    done = case_open(actor=operator)
    case_update_identity(actor=operator, case=done, data={"full_name": "Zelda Segreta"})
    completed = session_start(actor=operator, case=done, mode="assisted", language="it")
    session_complete(actor=operator, session=completed)
    for purpose in ("transmission", "consultation"):
        consent_record(actor=operator, case=done, purpose=purpose)
    transmission_send(actor=personas.referent_a, case=done, office=personas.inps_office)
    ongoing_case = case_open(actor=operator)
    ongoing = session_start(actor=operator, case=ongoing_case, mode="assisted", language="it")
    return {"case": done, "completed": completed, "ongoing": ongoing}


def test_operator_and_inps_pages_at_three_sizes(page, personas, axe_check, world):
    sign_in(page, personas.operator_a)
    pages = [
        ("dashboard", "/"),
        ("percorsi", "/percorsi/"),
        ("percorso", f"/percorsi/{world['case'].public_id}/"),
        ("questionario", f"/questionario/{world['ongoing'].public_id}/"),
        ("risultato", f"/questionario/{world['completed'].public_id}/risultato/"),
    ]
    for name, path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator(".it-header-wrapper .it-brand-title").count() == 1
        assert page.locator(".it-footer a", has_text="Dichiarazione di accessibilità").count() == 1
        shoot(page, axe_check, name)
    # The percorso's page has its parent in the breadcrumbs, and the menu shows where she is.
    page.goto(f"/percorsi/{world['case'].public_id}/")
    assert page.locator(".breadcrumb a", has_text="Percorsi").count() == 1
    assert page.locator(".nav-link[aria-current=page]").inner_text() == "Percorsi"

    page.get_by_role("button", name="Esci").click()
    page.wait_for_url("**/accounts/login/")
    shoot(page, axe_check, "login", {"phone": SIZES["phone"]})
    sign_in(page, personas.inps_specialist)
    page.goto("/inps/casella/")
    assert page.locator(".nav-link[aria-current=page]").inner_text() == "Casella"
    shoot(page, axe_check, "casella-inps")
    for name, path in [("accessibilita", "/accessibilita/"), ("privacy", "/privacy/")]:
        page.goto(path)
        shoot(page, axe_check, name, {"desktop": SIZES["desktop"]})


def test_the_tablet_in_arabic_right_to_left(chromium, live_server, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=session)
    context = chromium.new_context(
        base_url=live_server.url, locale="it-IT", viewport={"width": 768, "height": 1024}
    )
    tablet = context.new_page()
    try:
        tablet.goto("/t/")
        shoot(tablet, axe_check, "tablet-codice", {"tablet": SIZES["tablet"]})
        tablet.fill("#code", code)
        tablet.click("main button[type=submit]")
        tablet.wait_for_selector("button[value=ar]")
        shoot(tablet, axe_check, "tablet-lingua", {"tablet": SIZES["tablet"]})
        tablet.click("button[value=ar]")
        tablet.wait_for_function("() => document.documentElement.dir === 'rtl'")
        assert tablet.locator("html").get_attribute("lang") == "ar"
        # Right to left for real: the text starts at the right edge, the quick exit sits on
        # the left (the side a right-to-left reader meets last).
        body_align = tablet.evaluate("getComputedStyle(document.body).textAlign")
        assert body_align in {"right", "start"}
        exit_box = tablet.locator("#quick-exit").bounding_box()
        assert exit_box["x"] < 768 / 2
        legend = tablet.locator("main legend, main label").first.bounding_box()
        main = tablet.locator("main").bounding_box()
        assert legend["x"] + legend["width"] > main["x"] + main["width"] * 0.6
        shoot(
            tablet,
            axe_check,
            "tablet-ar",
            {"tablet": SIZES["tablet"], "phone": SIZES["phone"]},
        )
    finally:
        context.close()
