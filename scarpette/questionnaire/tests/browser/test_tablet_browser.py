"""The woman on the tablet, in Arabic: "Non so" to the ISEE, the hand-back, the result and the
operator's PDF, the quick exit."""

from __future__ import annotations

import re
import subprocess

import pytest

from scarpette.accounts.browser_fixtures import save_artifact, sign_in
from scarpette.cases.services import case_open
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import session_start, tablet_code_issue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def tablet(chromium, live_server):
    """A second device: the centre tablet, with nobody signed in."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="it-IT",
        accept_downloads=True,
        viewport={"width": 1024, "height": 1366},
        has_touch=True,
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


def claim(tablet, code: str, language: str = "ar") -> None:
    tablet.goto("/t/")
    tablet.fill("#code", code)
    submit(tablet, "main button[type=submit]")
    submit(tablet, f"button[value={language}]")


def submit(tablet, selector: str) -> None:
    """Click a submit button and wait until the tablet shows the next document."""
    tablet.evaluate("window.__old = true")
    tablet.click(selector)
    tablet.wait_for_function("() => window.__old !== true")
    tablet.wait_for_load_state()


def answer_page(tablet, choices: dict[str, str]) -> None:
    for name, value in choices.items():
        locator = tablet.locator(f"input[name={name}][value={value}]")
        if locator.count():
            locator.check()


def test_arabic_self_completion_with_unknown_isee(tablet, page, personas, axe_check):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=session)

    tablet.goto("/t/")
    axe_check(tablet, "tablet-code-prompt")
    tablet.fill("#code", code)
    submit(tablet, "main button[type=submit]")
    axe_check(tablet, "tablet-language-picker")
    submit(tablet, "button[value=ar]")
    assert tablet.locator("html").get_attribute("dir") == "rtl"
    assert tablet.locator("html").get_attribute("lang") == "ar"
    tablet.screenshot(path=str(save_artifact("tablet-ar-first-page.png")), full_page=True)
    axe_check(tablet, "tablet-ar-first-page")
    history_length = tablet.evaluate("history.length")

    answers = {
        "has_isee": "yes",
        "isee_known": "dont_know",
        "citizenship": "NON_EU",
        "permit": "eu_long_term",
        "followed_by_cav": "yes",
    }
    for _ in range(30):
        answer_page(tablet, answers)
        before = tablet.locator("input[name=page]").get_attribute("value")
        submit(tablet, ".actions button[name=action][value=next]")
        if tablet.locator("#handback-code").count():
            break
        if not tablet.locator("input[name=page]").count():
            tablet.screenshot(path=str(save_artifact("tablet-unexpected.png")), full_page=True)
            raise AssertionError(tablet.content()[:3000])
        if tablet.locator("input[name=page]").count() and before == tablet.locator(
            "input[name=page]"
        ).get_attribute("value"):
            answer_page(tablet, answers)  # new questions appeared on the same page
        axe_check(tablet, f"tablet-ar-page-{before}")
    handback = tablet.locator("#handback-code").inner_text().strip()
    assert re.fullmatch(r"\d{4}", handback)
    # Every step replaced the same history entry: nothing to go Back to.
    assert tablet.evaluate("history.length") == history_length
    axe_check(tablet, "tablet-ar-done")

    # The tablet offers no file: the summary is for the operator's screen.
    assert tablet.locator("a[download]").count() == 0

    # The operator takes the tablet back and opens the result with the code it shows.
    sign_in(page, personas.operator_a)
    page.goto("/questionario/riconsegna/")
    page.fill("input[name=code]", handback)
    page.click("main button[type=submit]")
    page.wait_for_url("**/risultato/")
    assert page.locator("#m-assegno_inclusione").count() == 1, page.content()[-3000:]
    # ...and the tablet goes back to its start screen by itself, showing nothing of hers.
    tablet.wait_for_selector("#code", timeout=15_000)
    assert tablet.locator("#handback-code").count() == 0
    tablet.goto("/t/")
    assert tablet.locator("#code").count() == 1

    # She prints or downloads the woman's summary (in Arabic) from her own screen.
    pdf = page.request.get(f"/questionario/{session.public_id}/riepilogo.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-disposition"] == 'attachment; filename="riepilogo.pdf"'
    pdf_path = save_artifact("summary-ar.pdf")
    pdf_path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Assegno" in text or "ADI" in text
    assert re.search(r"[\u0600-\u06FF]", text), "the PDF has Arabic text"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(save_artifact("summary-ar")),
        ],
        check=True,
    )
    assert save_artifact("summary-ar-1.png").stat().st_size > 5000

    adi = page.locator("#m-assegno_inclusione")
    assert "Da verificare" in adi.inner_text()
    adi.locator("summary").click()  # the details are folded: she opens the measure
    # The missing ISEE is named by its question, in words (never the fact's code).
    assert "Conosce il valore del suo ISEE?" in adi.inner_text()
    assert "isee" not in adi.inner_text()
    axe_check(page, "result-it")
    stored = QuestionnaireSession.objects.get(pk=session.pk)
    assert stored.status == "completed" and stored.language == "ar"
    assert "isee" not in stored.screenings.get().facts


def test_quick_exit_leaves_no_questionnaire_page_behind(tablet, personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=session)
    claim(tablet, code, "ar")
    submit(tablet, ".actions button[name=action][value=next]")
    tablet.keyboard.press("Escape")
    tablet.keyboard.press("Escape")
    tablet.wait_for_url(lambda url: "/t/" not in url)
    assert "neutral" in tablet.content()
    tablet.go_back()
    assert "/t/" not in tablet.url and "/questionario/" not in tablet.url
    # The server forgot the tablet's claim: the address shows only the code prompt.
    tablet.goto("/t/")
    assert tablet.locator("#code").count() == 1
    assert tablet.locator("input[name=page]").count() == 0
