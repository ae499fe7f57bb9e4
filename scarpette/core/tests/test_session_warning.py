"""Warning before the session lapses, the "Continua a lavorare" endpoint, and coming back."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse

RENEW = "core:session_renew"


@pytest.fixture
def traveller():
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False) as traveller:
        yield traveller


def warning_seconds(response) -> int | None:
    found = re.search(
        r'id="session-warning"[^>]*data-expires-in="(\d+)"', response.content.decode()
    )
    return int(found.group(1)) if found else None


def test_signed_in_pages_carry_the_seconds_left_and_the_script(personas, client, traveller):
    client.force_login(personas.operator_a)
    client.get(reverse("core:dashboard"))
    traveller.shift(60)

    response = client.get(reverse("core:dashboard"))

    assert warning_seconds(response) == 15 * 60
    content = response.content.decode()
    assert "Continua a lavorare" in content
    assert "La sessione sta per scadere per inattività." in content
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'src="/static/js/session_timeout.js" nonce="{nonce}"' in content


def test_the_seconds_left_follow_the_absolute_deadline_near_its_end(
    personas, client, traveller, settings
):
    client.force_login(personas.operator_a)
    client.get(reverse("core:dashboard"))
    for _ in range(8 * 6 - 1):  # active every 10 minutes for 7 h 50 min
        traveller.shift(10 * 60)
        response = client.get(reverse("core:dashboard"))

    assert warning_seconds(response) == settings.SESSION_ABSOLUTE_SECONDS - (8 * 6 - 1) * 10 * 60


def test_the_login_page_has_no_warning(db, client):
    response = client.get(reverse("account_login"))
    assert warning_seconds(response) is None
    assert "session_timeout.js" not in response.content.decode()


def test_continua_a_lavorare_moves_the_idle_deadline(personas, client, traveller):
    client.force_login(personas.operator_a)
    client.get(reverse("core:dashboard"))
    traveller.shift(14 * 60)

    renewed = client.post(reverse(RENEW))
    traveller.shift(14 * 60)  # 28 minutes after the last page, 14 after "Continua"
    response = client.get(reverse("core:dashboard"))

    assert renewed.status_code == 204 and renewed["X-Session-Expires-In"] == str(15 * 60)
    assert renewed.content == b""
    assert response.status_code == 200


def test_without_continua_the_session_lapses(personas, client, traveller):
    client.force_login(personas.operator_a)
    client.get(reverse("core:dashboard"))
    traveller.shift(16 * 60)

    renewed = client.post(reverse(RENEW))

    assert renewed.status_code == 302 and renewed.url.startswith(reverse("account_login"))


def test_renewing_needs_a_signed_in_user_a_post_and_a_csrf_token(personas, client):
    assert client.post(reverse(RENEW)).status_code == 302
    client.force_login(personas.operator_a)
    assert client.get(reverse(RENEW)).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.operator_a)
    assert strict.post(reverse(RENEW)).status_code == 403


def test_a_lapsed_session_sends_her_back_to_the_same_page_after_signing_in(
    personas, client, traveller
):
    client.force_login(personas.operator_a)
    client.get(reverse("cases:case_list"))
    traveller.shift(16 * 60)

    response = client.get(reverse("cases:case_list") + "?stato=open")

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + quote(
        reverse("cases:case_list") + "?stato=open", safe="/"
    )
