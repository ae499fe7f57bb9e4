"""Password reset: a mail only to a known address, the same answer either way."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

RESET = "account_reset_password"


def visible(response) -> str:
    """The page as a user sees it: without the per-request CSRF token and CSP nonce."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def ask_reset(email: str):
    client = Client()
    response = client.post(reverse(RESET), {"email": email})
    return response, client.get(response["Location"]) if response.status_code == 302 else None


def test_an_unknown_address_gets_no_mail(db):
    response, _page = ask_reset("nessuno@example.org")
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_known_address_gets_the_reset_link(personas):
    ask_reset(personas.operator_a.email)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [personas.operator_a.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_the_page_answers_the_same_for_known_and_unknown_addresses(personas):
    known, known_page = ask_reset(personas.operator_a.email)
    unknown, unknown_page = ask_reset("nessuno@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert visible(known_page) == visible(unknown_page)
    assert "Ti abbiamo inviato un'email" in visible(known_page).replace("&#x27;", "'")
