"""Signing in with the password and the second factor counts as a recent authentication."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD, totp_code


def sign_in(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response.status_code == 302 and response.url == reverse("core:dashboard")


def role_page(personas):
    return reverse("accounts:account_role", kwargs={"public_id": personas.operator_a.public_id})


def test_a_sensitive_page_right_after_signing_in_does_not_ask_again(personas, client):
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False) as traveller:
        sign_in(client, personas.admin)
        traveller.shift(60)
        response = client.get(role_page(personas))
        assert response.status_code == 200
        assert "Ruolo di Alice Operatrice" in response.content.decode()


def test_the_sign_in_stops_counting_after_the_reauthentication_timeout(personas, client, settings):
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False) as traveller:
        sign_in(client, personas.admin)
        traveller.shift(settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
        response = client.get(role_page(personas))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))


def test_a_forced_session_without_a_sign_in_still_asks(personas, client):
    client.force_login(personas.admin)
    response = client.get(role_page(personas))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
