"""The session lapses in the middle of an interview: what was typed is kept and shown back."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD, totp_code
from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.questionnaire.models import PageDraft, QuestionnaireSession
from scarpette.questionnaire.services import session_start

ORIGIN = "http://testserver"
NOW = "2026-05-04 09:00:00+02:00"
# The first page, as she would type it: her age and her citizenship.
TYPED = {"age": "41", "citizenship": "IT"}


@pytest.fixture(autouse=True)
def traveller():
    # Drafts live 24 hours: every test runs on a frozen clock it moves on purpose.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session_a(personas) -> QuestionnaireSession:
    case = case_open(actor=personas.operator_a)
    return session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")


def page_url(session) -> str:
    return reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})


def first_page_post(client, session) -> dict:
    content = client.get(page_url(session)).content.decode()
    shown = re.findall(r'name="_shown" value="([^"]+)"', content)
    assert "age" in shown and "citizenship" in shown
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    return {
        "csrfmiddlewaretoken": token,
        "page": "0",
        "_shown": shown,
        "action": "next",
        **TYPED,
    }


def sign_in(client, user, next_url: str):
    login = reverse("account_login") + "?next=" + quote(next_url)
    response = client.post(login, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_authenticate"))
    response = client.post(response.url, {"code": totp_code(user)})
    assert response.status_code == 302
    return response


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def restored_message_in(response) -> bool:
    return "Abbiamo conservato quello che avevi scritto: controlla e salva." in text_of(response)


def lapse_while_typing(client, session, user, traveller, *, origin=ORIGIN):
    """She opens the first page, types, and presses "Avanti" 16 minutes later."""
    client.force_login(user)
    data = first_page_post(client, session)
    traveller.shift(16 * 60)
    return client.post(page_url(session), data, HTTP_ORIGIN=origin)


def the_return_address(session) -> str:
    return page_url(session) + "?pagina=0"


# --- keeping ---------------------------------------------------------------------------------


def test_a_page_posted_after_the_idle_deadline_is_kept_encrypted_and_not_saved(
    personas, client, session_a, traveller
):
    response = lapse_while_typing(client, session_a, personas.operator_a, traveller)

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + quote(
        the_return_address(session_a), safe="/"
    )
    session_a.refresh_from_db()
    assert session_a.answers == {}
    draft = PageDraft.objects.get()
    assert draft.owner == personas.operator_a and draft.reason == "idle" and draft.page == 0
    assert draft.data["age"] == ["41"] and "csrfmiddlewaretoken" not in draft.data
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_json FROM questionnaire_pagedraft")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and '["41"]' not in stored and "citizenship" not in stored
    event = AuditEvent.objects.get(action="questionnaire.draft.kept")
    assert event.actor_id == personas.operator_a.pk
    assert event.detail == {"session": str(session_a.public_id), "page": 0, "reason": "idle"}
    login_page = text_of(client.get(response.url))
    assert "dopo l'accesso lo ritrovi nella pagina" in login_page


def test_a_page_posted_from_another_site_is_not_kept(personas, client, session_a, traveller):
    response = lapse_while_typing(
        client, session_a, personas.operator_a, traveller, origin="https://elsewhere.example"
    )

    assert response.status_code == 302
    assert not PageDraft.objects.exists()


# --- restoring -------------------------------------------------------------------------------


def test_signing_in_again_brings_her_back_to_the_page_with_what_she_typed(
    personas, client, session_a, traveller
):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)

    response = sign_in(client, personas.operator_a, the_return_address(session_a))
    assert response.url == the_return_address(session_a)
    page = client.get(response.url)

    assert page.status_code == 200
    assert restored_message_in(page)
    content = page.content.decode()
    assert 'name="age" value="41"' in content
    assert 'name="citizenship" value="IT" checked' in content
    session_a.refresh_from_db()
    assert session_a.answers == {}  # shown back, not saved: she confirms with a button
    assert not PageDraft.objects.exists()
    assert AuditEvent.objects.filter(
        action="questionnaire.draft.restored", actor_id=personas.operator_a.pk
    ).exists()
    # Shown once: a reload shows the saved answers (none) and no message.
    again = client.get(page_url(session_a))
    assert not restored_message_in(again) and 'name="age" value=""' in again.content.decode()


def test_confirming_the_restored_page_saves_the_answers(personas, client, session_a, traveller):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)
    sign_in(client, personas.operator_a, the_return_address(session_a))
    data = first_page_post(client, session_a)  # the restored page, as she sends it back

    client.post(page_url(session_a), data)

    session_a.refresh_from_db()
    assert session_a.answers["age"] == 41 and session_a.answers["citizenship"] == "IT"


def test_saving_the_page_deletes_her_draft(personas, client, session_a, traveller):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)
    client.force_login(personas.operator_a)
    data = {"page": "0", "_shown": ["age"], "action": "save", "age": "39"}

    client.post(page_url(session_a), data)

    assert not PageDraft.objects.exists()
    session_a.refresh_from_db()
    assert session_a.answers["age"] == 39


def test_an_operator_of_another_centre_signing_in_gets_404_and_no_draft(
    personas, client, session_a, traveller
):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)

    sign_in(client, personas.operator_b, the_return_address(session_a))
    response = client.get(the_return_address(session_a))

    assert response.status_code == 404
    assert 'name="age" value="41"' not in response.content.decode()
    assert PageDraft.objects.count() == 1  # still hers, until it expires
    assert not AuditEvent.objects.filter(action="questionnaire.draft.restored").exists()


def test_a_colleague_signing_in_on_the_same_browser_does_not_get_her_draft(
    personas, client, session_a, traveller
):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)

    sign_in(client, personas.referent_a, the_return_address(session_a))
    response = client.get(the_return_address(session_a))

    assert response.status_code == 200
    assert not restored_message_in(response) and 'name="age" value="41"' not in text_of(response)
    assert PageDraft.objects.count() == 1


def test_a_draft_expires_after_a_day(personas, client, session_a, traveller):
    lapse_while_typing(client, session_a, personas.operator_a, traveller)

    traveller.shift(24 * 60 * 60)
    sign_in(client, personas.operator_a, the_return_address(session_a))
    response = client.get(the_return_address(session_a))

    assert response.status_code == 200 and not restored_message_in(response)
    assert not PageDraft.objects.exists()


# --- already signed out, or a stale CSRF token ------------------------------------------------


def test_a_page_posted_already_signed_out_is_kept_for_this_browser_only(
    personas, client, session_a, traveller
):
    client.force_login(personas.operator_a)
    data = first_page_post(client, session_a)
    client.logout()  # the session lapsed in another tab, or was removed on the server

    response = client.post(page_url(session_a), data, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    draft = PageDraft.objects.get()
    assert draft.owner is None and draft.reason == "signed_out"
    session_a.refresh_from_db()
    assert session_a.answers == {}
    # Another browser of the same operator: the draft is not bound to her, so nothing shows.
    other = Client()
    sign_in(other, personas.operator_a, the_return_address(session_a))
    assert not restored_message_in(other.get(the_return_address(session_a)))
    # This browser, after signing in (a new TOTP code: a code is accepted once): the page is back.
    traveller.shift(30)
    sign_in(client, personas.operator_a, the_return_address(session_a))
    page = client.get(the_return_address(session_a))
    assert restored_message_in(page) and 'name="age" value="41"' in page.content.decode()


def test_a_stale_csrf_token_after_signing_in_elsewhere_keeps_the_page(personas, session_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator_a)
    data = first_page_post(client, session_a)
    # She signed in again in another tab: a new CSRF secret, the page's token is stale.
    client.cookies[settings.CSRF_COOKIE_NAME] = "A" * 32

    response = client.post(page_url(session_a), data, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 302 and response.url == the_return_address(session_a)
    draft = PageDraft.objects.get()
    assert draft.owner == personas.operator_a and draft.reason == "csrf"
    page = client.get(response.url)
    assert restored_message_in(page) and 'name="age" value="41"' in page.content.decode()
    session_a.refresh_from_db()
    assert session_a.answers == {}


def test_a_csrf_failure_from_another_origin_keeps_nothing(personas, session_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator_a)
    data = first_page_post(client, session_a)

    response = client.post(page_url(session_a), data, HTTP_ORIGIN="https://elsewhere.example")

    assert response.status_code == 403
    assert "Pagina scaduta" in text_of(response)
    assert not PageDraft.objects.exists()
