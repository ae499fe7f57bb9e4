"""Self-completion on the centre tablet: the code, the language, the pages, the hand-back.

The tablet is a separate test `Client()` with nobody signed in: one address (/t/), no login.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.core.testing import keyed
from scarpette.questionnaire.models import (
    QuestionnaireSession,
    ScreeningRun,
    TabletCodeAttempts,
)
from scarpette.questionnaire.services import session_start, tablet_code_issue
from scarpette.questionnaire.tablet_texts import tablet_texts
from scarpette.questionnaire.views import TABLET_KEY

TABLET = "/t/"
LANGUAGES = ["it", "en", "fr", "es", "ar", "zh", "ro", "uk"]
CODE_INVALID = tablet_texts("it")["code_invalid"]
ANSWERS = {
    "age": "29",
    "citizenship": "NON_EU",
    "permit": "eu_long_term",
    "has_isee": "yes",
    "isee_known": "dont_know",
    "followed_by_cav": "yes",
    "needs": ["money", "housing"],
}


# --- helpers ---------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def is_code_prompt(response) -> bool:
    content = response.content.decode()
    return 'id="code" name="code"' in content and 'name="page"' not in content


def page_post(response, answers: dict, action: str = "next") -> dict:
    content = response.content.decode()
    page = re.search(r'name="page" value="(\d+)"', content)
    assert page, content[-2000:]
    shown = re.findall(r'name="_shown" value="([^"]+)"', content)
    data: dict = {"page": page.group(1), "_shown": shown, "action": action}
    for key in shown:
        if key in answers:
            data[key] = answers[key]
    return data


def claim(tablet: Client, code: str, language: str | None = "it"):
    response = tablet.post(TABLET, {"code": code})
    assert response.status_code == 302, text_of(response)[-1500:]
    assert response["Location"] == TABLET
    if language is not None:
        response = tablet.post(TABLET, {"language": language})
        assert response.status_code == 302
    return tablet.get(TABLET)


def walk_tablet(tablet: Client, answers: dict, *, max_posts: int = 40) -> list:
    """Answer every page on the tablet until the end; returns every response seen."""
    responses = [tablet.get(TABLET)]
    for _ in range(max_posts):
        response = responses[-1]
        if response.status_code == 302:
            responses.append(tablet.get(response["Location"]))
            continue
        assert response.status_code == 200, text_of(response)[-2000:]
        if 'id="handback-code"' in response.content.decode():
            return responses
        responses.append(tablet.post(TABLET, page_post(response, answers)))
    raise AssertionError("the tablet questionnaire never ended")


def handback_code_of(response) -> str:
    match = re.search(r'id="handback-code"><bdi>(\d+)</bdi>', response.content.decode())
    assert match, response.content.decode()[-1500:]
    return match.group(1)


@pytest.fixture
def case_a(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def self_session(personas, case_a):
    return session_start(actor=personas.operator_a, case=case_a, mode="self", language="it")


@pytest.fixture
def code(personas, self_session):
    return tablet_code_issue(actor=personas.operator_a, session=self_session)


@pytest.fixture
def tablet():
    return Client()


# --- the operator issues a code ------------------------------------------------------------------


def test_the_operator_starts_self_completion_and_gets_a_six_digit_code(client, personas, case_a):
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("questionnaire:session_start", kwargs={"case_id": case_a.public_id}),
        keyed({"mode": "self", "language": "it"}),
    )
    session = QuestionnaireSession.objects.get(case=case_a)
    code_url = reverse("questionnaire:tablet_code", kwargs={"public_id": session.public_id})
    assert response.status_code == 302
    assert response["Location"] == code_url
    assert session.mode == "self"
    assert 'id="tablet-code"' not in client.get(code_url).content.decode()

    response = client.post(code_url, keyed())

    assert response.status_code == 200
    match = re.search(r'<p class="handback-code" id="tablet-code">(\d+)</p>', text_of(response))
    assert match and re.fullmatch(r"\d{6}", match.group(1))
    session.refresh_from_db()
    assert session.tablet_code_hash and match.group(1) not in session.tablet_code_hash
    assert session.tablet_code_expires_at > timezone.now() + timedelta(minutes=14)
    assert AuditEvent.objects.filter(action="questionnaire.tablet.code_issued").count() == 1


def test_a_new_code_replaces_the_old_one(client, personas, self_session, code, tablet):
    client.force_login(personas.operator_a)
    url = reverse("questionnaire:tablet_code", kwargs={"public_id": self_session.public_id})
    new = re.search(r'id="tablet-code">(\d{6})<', client.post(url, keyed()).content.decode()).group(
        1
    )

    response = tablet.post(TABLET, {"code": code})

    assert new != code
    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)
    assert tablet.post(TABLET, {"code": new}).status_code == 302


# --- claiming a code on the tablet ---------------------------------------------------------------


def test_the_tablet_asks_for_the_code(db, tablet):
    response = tablet.get(TABLET)

    assert response.status_code == 200
    assert is_code_prompt(response)
    assert "Codice fornito dall'operatrice" in text_of(response)


def test_a_wrong_code_is_refused(tablet, self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = tablet.post(TABLET, {"code": wrong})

    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)
    assert is_code_prompt(response)
    self_session.refresh_from_db()
    assert self_session.tablet_code_hash  # still claimable with the right code
    assert tablet.get(TABLET).status_code == 200
    assert is_code_prompt(tablet.get(TABLET))


def test_the_right_code_opens_the_language_picker_and_arabic_pages(tablet, self_session, code):
    response = tablet.post(TABLET, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == TABLET

    picker = tablet.get(TABLET)

    assert picker.status_code == 200
    content = picker.content.decode()
    offered = re.findall(r'name="language" value="([a-z]+)"', content)
    assert offered == LANGUAGES
    assert 'value="ar" lang="ar" dir="rtl">العربية</button>' in content

    response = tablet.post(TABLET, {"language": "ar"})

    assert response.status_code == 302
    self_session.refresh_from_db()
    assert self_session.language == "ar"
    page = tablet.get(TABLET)
    assert page.status_code == 200
    content = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in content
    assert 'name="page" value="0"' in content
    assert "كم عمركِ؟" in content
    assert "Quanti anni ha?" not in content  # the woman sees only her language
    claimed = AuditEvent.objects.get(action="questionnaire.tablet.claimed")
    assert claimed.actor_id is None
    assert claimed.detail == {"session": str(self_session.public_id), "via": "tablet"}


def test_an_unknown_language_is_not_stored(tablet, self_session, code):
    claim(tablet, code, language=None)

    tablet.post(TABLET, {"language": "xx"})

    self_session.refresh_from_db()
    assert self_session.language == "it"


def test_a_code_works_only_once(tablet, self_session, code):
    claim(tablet, code)
    second_tablet = Client()

    response = second_tablet.post(TABLET, {"code": code})

    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)
    assert is_code_prompt(second_tablet.get(TABLET))
    self_session.refresh_from_db()
    assert self_session.tablet_code_hash == ""


def test_an_expired_code_is_refused(tablet, self_session, code):
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = tablet.post(TABLET, {"code": code})

    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)
    assert not AuditEvent.objects.filter(action="questionnaire.tablet.claimed").exists()


def test_a_code_whose_expiry_is_past_is_refused(tablet, self_session, code):
    QuestionnaireSession.objects.filter(pk=self_session.pk).update(
        tablet_code_expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = tablet.post(TABLET, {"code": code})

    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)


def test_a_code_of_a_completed_questionnaire_is_refused(tablet, personas, self_session, code):
    from scarpette.questionnaire.services import session_complete

    session_complete(actor=personas.operator_a, session=self_session)

    response = tablet.post(TABLET, {"code": code})

    assert response.status_code == 400


def test_claiming_signs_out_a_staff_user_on_the_tablet(tablet, personas, self_session, code):
    tablet.force_login(personas.operator_a)
    assert tablet.get("/percorsi/").status_code == 200

    claim(tablet, code)

    response = tablet.get("/percorsi/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert 'name="page" value="0"' in tablet.get(TABLET).content.decode()


def test_the_tablet_cannot_reach_staff_pages(tablet, self_session, code):
    claim(tablet, code)
    login = reverse("account_login")
    staff_urls = [
        "/percorsi/",
        reverse("questionnaire:session_page", kwargs={"public_id": self_session.public_id}),
        reverse("questionnaire:session_result", kwargs={"public_id": self_session.public_id}),
        reverse("questionnaire:tablet_code", kwargs={"public_id": self_session.public_id}),
        reverse("questionnaire:handback"),
    ]
    for url in staff_urls:
        response = tablet.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url


def test_ten_wrong_codes_block_even_the_right_one(tablet, self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(10):
        assert tablet.post(TABLET, {"code": wrong}).status_code == 400

    response = tablet.post(TABLET, {"code": code})

    assert response.status_code == 400
    assert CODE_INVALID in text_of(response)
    self_session.refresh_from_db()
    assert self_session.tablet_code_hash  # not claimed
    assert not AuditEvent.objects.filter(action="questionnaire.tablet.claimed").exists()
    # The block is per address: another device still gets in with the right code.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(TABLET, {"code": code}).status_code == 302


def test_every_attempt_is_counted_for_the_address(tablet, self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(12):
        tablet.post(TABLET, {"code": wrong})

    assert TabletCodeAttempts.objects.get(address="127.0.0.1").attempts == 12
    assert tablet.post(TABLET, {"code": code}).status_code == 400


def test_the_attempt_window_ends_after_ten_minutes(tablet, self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(10):
        tablet.post(TABLET, {"code": wrong})
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        fresh = tablet_code_issue(actor=self_session.started_by, session=self_session)
        assert tablet.post(TABLET, {"code": fresh}).status_code == 302
    assert TabletCodeAttempts.objects.get(address="127.0.0.1").attempts == 1


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_block_is_per_tablet_not_per_proxy(self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    guesser = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(10):
        guesser.post(TABLET, {"code": wrong})
    assert guesser.post(TABLET, {"code": code}).status_code == 400
    # A spoofed header does not give the guesser a fresh address: the proxy appends the real one.
    spoofing = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.66")
    assert spoofing.post(TABLET, {"code": code}).status_code == 400

    centre_tablet = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert centre_tablet.post(TABLET, {"code": code}).status_code == 302


def test_nine_wrong_codes_still_let_the_right_one_in(tablet, self_session, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(9):
        tablet.post(TABLET, {"code": wrong})

    assert tablet.post(TABLET, {"code": code}).status_code == 302


def test_errors_on_the_tablet_are_in_her_language(tablet, self_session, code):
    first = claim(tablet, code, language="ar")

    response = tablet.post(TABLET, page_post(first, {"age": "trenta", "citizenship": "IT"}))

    assert response.status_code == 400
    content = text_of(response)
    assert '<html lang="ar" dir="rtl">' in content
    assert f'<p class="errorlist" id="err-age">{tablet_texts("ar")["not_integer"]}</p>' in content
    assert tablet_texts("ar")["errors_summary"] in content
    self_session.refresh_from_db()
    assert self_session.answers == {"citizenship": "IT"}
    assert self_session.section_index == 0


# --- leaving the tablet ----------------------------------------------------------------------------


def test_quick_exit_forgets_the_claim(tablet, self_session, code):
    claim(tablet, code)

    response = tablet.post(reverse("questionnaire:tablet_exit"))

    assert response.status_code == 204
    assert is_code_prompt(tablet.get(TABLET))
    event = AuditEvent.objects.get(action="questionnaire.tablet.quick_exit")
    assert event.detail == {"session": str(self_session.public_id), "via": "tablet"}


def test_quick_exit_refuses_get(tablet, self_session, code):
    claim(tablet, code)

    assert tablet.get(reverse("questionnaire:tablet_exit")).status_code == 405
    assert 'name="page"' in tablet.get(TABLET).content.decode()


def test_an_idle_tablet_returns_to_the_code_prompt_and_keeps_the_answers(
    tablet, self_session, code
):
    first = claim(tablet, code)
    response = tablet.post(TABLET, page_post(first, {"age": "30", "citizenship": "IT"}))
    assert response.status_code == 302
    idle = settings.TABLET_IDLE_SECONDS

    with time_machine.travel(timezone.now() + timedelta(seconds=idle - 30), tick=False):
        assert 'name="page" value="1"' in tablet.get(TABLET).content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=2 * idle), tick=False):
        response = tablet.get(TABLET)

    assert response.status_code == 200
    assert is_code_prompt(response)
    self_session.refresh_from_db()
    assert self_session.answers == {"age": 30, "citizenship": "IT"}
    assert self_session.section_index == 1
    assert self_session.status == "in_progress"


def test_pause_forgets_the_claim_and_keeps_the_answers(tablet, self_session, code):
    first = claim(tablet, code)
    tablet.post(TABLET, page_post(first, {"age": "30"}))

    response = tablet.post(reverse("questionnaire:tablet_pause"))

    assert response.status_code == 204
    assert is_code_prompt(tablet.get(TABLET))
    self_session.refresh_from_db()
    assert self_session.answers == {"age": 30}
    assert AuditEvent.objects.filter(action="questionnaire.tablet.paused").count() == 1


# --- completing and handing back -------------------------------------------------------------------


def test_completion_shows_the_handback_code_and_the_operator_opens_the_result(
    tablet, client, personas, self_session, code
):
    claim(tablet, code, language="ar")

    responses = walk_tablet(tablet, ANSWERS)

    done = responses[-1]
    shown_code = handback_code_of(done)
    assert re.fullmatch(r"\d{4}", shown_code)
    assert '<html lang="ar" dir="rtl">' in done.content.decode()
    self_session.refresh_from_db()
    assert self_session.status == "completed"
    assert self_session.handback_code == shown_code
    run = ScreeningRun.objects.get(session=self_session)
    assert run.created_by is None
    assert "isee" not in run.facts
    saved = AuditEvent.objects.filter(action="questionnaire.answers.saved")
    assert saved.exists()
    assert all(e.actor_id is None and e.detail["via"] == "tablet" for e in saved)

    client.force_login(personas.operator_a)
    response = client.post(reverse("questionnaire:handback"), {"code": shown_code})

    result_url = reverse(
        "questionnaire:session_result", kwargs={"public_id": self_session.public_id}
    )
    assert response.status_code == 302
    assert response["Location"] == result_url
    result = client.get(result_url)
    assert result.status_code == 200
    assert 'id="m-assegno_inclusione"' in result.content.decode()


@pytest.fixture
def completed_on_tablet(tablet, self_session, code):
    claim(tablet, code)
    done = walk_tablet(tablet, ANSWERS)[-1]
    return self_session, handback_code_of(done)


def test_a_wrong_handback_code_is_a_form_error(client, personas, completed_on_tablet):
    _session, shown_code = completed_on_tablet
    wrong = f"{(int(shown_code) + 1) % 10_000:04d}"
    client.force_login(personas.operator_a)

    response = client.post(reverse("questionnaire:handback"), {"code": wrong})

    assert response.status_code == 200
    assert "Nessun questionario concluso con questo codice nel tuo centro." in text_of(response)


def test_another_centre_cannot_take_the_session_back(client, personas, completed_on_tablet):
    session, shown_code = completed_on_tablet
    client.force_login(personas.operator_b)

    response = client.post(reverse("questionnaire:handback"), {"code": shown_code})

    assert response.status_code == 200
    assert "Nessun questionario concluso con questo codice nel tuo centro." in text_of(response)
    assert str(session.public_id) not in response.content.decode()
    assert session.case.code not in response.content.decode()


def test_the_handback_code_works_once_on_the_operator_screen(client, personas, completed_on_tablet):
    _session, shown_code = completed_on_tablet
    client.force_login(personas.operator_a)
    assert client.post(reverse("questionnaire:handback"), {"code": shown_code}).status_code == 302

    again = client.post(reverse("questionnaire:handback"), {"code": shown_code})

    assert again.status_code == 200
    assert "Nessun questionario concluso con questo codice nel tuo centro." in text_of(again)
    assert AuditEvent.objects.filter(action="questionnaire.tablet.handed_back").count() == 1


def test_after_the_operator_takes_it_back_the_tablet_forgets_her_session(
    tablet, client, personas, completed_on_tablet
):
    _session, shown_code = completed_on_tablet
    poll = {"HTTP_X_TABLET_POLL": "1"}
    assert tablet.get(TABLET, **poll).status_code == 204  # still her end screen
    tablet_key = tablet.session.session_key
    client.force_login(personas.operator_a)
    client.post(reverse("questionnaire:handback"), {"code": shown_code})

    # The end screen's script asks and is told to go back to the start.
    assert tablet.get(TABLET, **poll).status_code == 205
    start = tablet.get(TABLET)
    assert start.status_code == 200
    assert is_code_prompt(start)
    assert shown_code not in start.content.decode()
    assert not Session.objects.filter(session_key=tablet_key).exists()
    assert TABLET_KEY not in tablet.session


def test_the_operator_types_the_handback_code_on_the_tablet_and_it_shows_the_start_screen(
    tablet, client, personas, completed_on_tablet
):
    session, shown_code = completed_on_tablet
    tablet_key = tablet.session.session_key

    response = tablet.post(TABLET, {"handback": shown_code})

    assert response.status_code == 200
    assert is_code_prompt(response)
    assert 'id="handback-code"' not in response.content.decode()
    assert not Session.objects.filter(session_key=tablet_key).exists()
    assert is_code_prompt(tablet.get(TABLET))
    assert AuditEvent.objects.filter(
        action="questionnaire.tablet.released", detail__session=str(session.public_id)
    ).exists()
    # She opens the result on her own screen with the same code.
    client.force_login(personas.operator_a)
    assert client.post(reverse("questionnaire:handback"), {"code": shown_code}).status_code == 302


def test_a_wrong_handback_code_on_the_tablet_keeps_the_end_screen(tablet, completed_on_tablet):
    _session, shown_code = completed_on_tablet
    wrong = f"{(int(shown_code) + 1) % 10_000:04d}"

    response = tablet.post(TABLET, {"handback": wrong})

    assert response.status_code == 400
    assert "Il codice di riconsegna non è corretto." in text_of(response)
    assert handback_code_of(response) == shown_code


def test_the_tablet_never_offers_a_file(tablet, completed_on_tablet):
    done = tablet.get(TABLET)
    content = done.content.decode()
    assert "download" not in content and ".pdf" not in content
    assert tablet.get("/t/riepilogo.pdf").status_code == 404


# --- nothing stays on the tablet -------------------------------------------------------------------


def test_every_tablet_response_is_uncached_and_never_autocompleted(tablet, self_session, code):
    responses = [tablet.get(TABLET), tablet.post(TABLET, {"code": "000000"})]
    responses.append(tablet.post(TABLET, {"code": code}))
    responses.append(tablet.get(TABLET))  # language picker
    responses.append(tablet.post(TABLET, {"language": "fr"}))
    responses += walk_tablet(tablet, ANSWERS)
    responses.append(tablet.post(reverse("questionnaire:tablet_exit")))

    pages = 0
    for response in responses:
        assert response["Cache-Control"] == "no-store", response
        content = response.content.decode(errors="replace")
        assert 'autocomplete="on"' not in content
        if response.get("Content-Type", "").startswith("text/html") and response.content:
            for form in re.findall(r"<form\b.*?</form>", content, re.S):
                fields = re.findall(r"<(?:input|textarea)\b[^>]*>", form)
                typed = [f for f in fields if not re.search(r'type="(hidden|radio|checkbox)"', f)]
                if typed:
                    pages += 1
                    assert 'autocomplete="off"' in form.split(">", 1)[0], form[:200]
                    for field in typed:
                        assert 'autocomplete="off"' in field, field
    assert pages >= 3  # the code prompt and questionnaire pages were checked


def test_the_tablet_script_sees_errors_after_its_redirect(tablet, self_session, code):
    """tablet.js reloads /t/ after each step (no history entry): errors survive that reload once."""
    wrong = tablet.post(TABLET, {"code": "000000"}, HTTP_X_TABLET_STEP="1")
    assert wrong.status_code == 302 and wrong["Location"] == TABLET
    assert CODE_INVALID in text_of(tablet.get(TABLET))
    assert CODE_INVALID not in text_of(tablet.get(TABLET))  # shown once

    first = claim(tablet, code, language="ar")
    response = tablet.post(TABLET, page_post(first, {"age": "5"}), HTTP_X_TABLET_STEP="1")
    assert response.status_code == 302
    shown = text_of(tablet.get(TABLET))
    assert 'id="err-age"' in shown
    assert 'name="age" value="5"' in shown
    self_session.refresh_from_db()
    assert "age" not in self_session.answers
