"""Pages the framework shows (CSRF failure, throttling, errors, allauth) in the platform's look and
in Italian; on the self-completion tablet they say nothing about the platform."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD

LAYOUT = 'class="it-header-wrapper"'


def main_text(response) -> str:
    content = response.content.decode()
    main = re.search(r"<main.*?</main>", content, re.S)
    assert main, content[:2000]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main.group(0))))


def test_a_post_without_csrf_token_gets_the_expired_page_in_italian(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})

    assert response.status_code == 403
    content = response.content.decode()
    assert LAYOUT in content
    assert "<title>Pagina scaduta · Portale servizi</title>" in content
    text = main_text(response)
    assert "Pagina scaduta" in text
    assert "ricarica la pagina" in text
    assert "CSRF" not in content and "Forbidden" not in content
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_the_expired_page_for_a_signed_in_user_keeps_her_menu(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator_a)
    response = client.post(reverse("cases:case_open"))
    assert response.status_code == 403
    assert "Pagina scaduta" in main_text(response)
    assert reverse("cases:case_list") in response.content.decode()


def test_the_expired_page_on_the_tablet_is_neutral(db):
    tablet = Client(enforce_csrf_checks=True)
    response = tablet.post(reverse("questionnaire:tablet"), {"code": "123456"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "Pagina scaduta" in main_text(response)
    assert LAYOUT not in content and "Scarpette" not in content
    assert f'href="{reverse("questionnaire:tablet")}"' in content


def test_a_missing_tablet_page_is_neutral(db):
    response = Client().get("/t/nessuna-pagina/")
    assert response.status_code == 404
    assert "Pagina non trovata" in main_text(response)
    assert "Scarpette" not in response.content.decode()


def test_a_missing_staff_page_keeps_the_platform_layout(personas, client):
    client.force_login(personas.operator_a)
    response = client.get("/nessuna-pagina/")
    assert response.status_code == 404
    assert LAYOUT in response.content.decode()
    assert "Torna alla scrivania" in main_text(response)


def test_throttling_answers_in_italian_in_the_layout(db):
    client = Client()
    for i in range(5):
        client.post(reverse("account_reset_password"), {"email": f"nessuno{i}@example.org"})
    response = client.post(reverse("account_reset_password"), {"email": "altro@example.org"})

    assert response.status_code == 429
    assert LAYOUT in response.content.decode()
    assert "Troppi tentativi" in main_text(response)
    assert "Too Many" not in response.content.decode()


ANONYMOUS_PAGES = [
    ("account_login", "Accesso al portale"),
    ("account_reset_password", "Reimpostazione password"),
    ("account_reset_password_done", "Ti abbiamo inviato"),
    ("account_reset_password_from_key_done", "Password cambiata"),
]


@pytest.mark.parametrize(("name", "italian"), ANONYMOUS_PAGES)
def test_allauth_pages_for_anonymous_are_italian_in_the_layout(db, name, italian):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert LAYOUT in response.content.decode()
    assert italian in main_text(response)


def test_an_invalid_reset_link_is_explained_in_italian(db):
    response = Client().get("/accounts/password/reset/key/abc-def/", follow=True)
    assert response.status_code == 200
    assert LAYOUT in response.content.decode()
    assert "non è valido" in main_text(response)


def test_the_second_factor_page_is_italian_in_the_layout(personas):
    client = Client()
    client.post(
        reverse("account_login"), {"login": personas.operator_a.email, "password": PASSWORD}
    )
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    assert LAYOUT in response.content.decode()
    assert "Inserisci il codice" in main_text(response)


@pytest.mark.parametrize(
    ("name", "italian"),
    [
        ("account_reauthenticate", "Conferma l'accesso"),
        ("mfa_reauthenticate", "Conferma l'accesso"),
        ("account_logout", "Sei sicuro di volerti disconnettere"),
    ],
)
def test_allauth_pages_for_staff_are_italian_in_the_layout(personas, name, italian):
    client = Client()
    client.force_login(personas.operator_a)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert LAYOUT in response.content.decode()
    assert italian in main_text(response)
