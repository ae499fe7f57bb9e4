"""Signing in: two factors, throttling, enumeration-safe answers, sessions and timeouts."""

from __future__ import annotations

import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD, totp_code
from scarpette.audit.models import AuditEvent


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_alone_reaches_only_the_second_factor(personas, client):
    response = login(client, personas.operator_a.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert client.get(reverse("cases:case_list")).status_code == 302
    assert client.get(reverse("core:dashboard")).url.startswith(reverse("account_login"))


def test_password_and_totp_sign_in_and_rotate_the_session(personas, client):
    # A session exists before signing in (someone planted a known key, or the visitor was
    # here already): signing in must not keep it.
    planted = client.session
    planted["planted"] = "yes"
    planted.save()
    before = planted.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before
    assert Session.objects.filter(session_key=before).exists()
    login(client, personas.operator_a.email)
    # Between the two factors the visitor is not signed in yet: the half-way key is also dropped.
    halfway = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(personas.operator_a)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after not in {before, halfway}
    assert not Session.objects.filter(session_key__in=[before, halfway]).exists()
    assert Session.objects.filter(session_key=after).exists()
    assert AuditEvent.objects.filter(
        action="accounts.login.succeeded", actor_id=personas.operator_a.pk
    ).exists()


def test_wrong_totp_is_refused(personas, client):
    login(client, personas.operator_a.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_staff_without_an_authenticator_must_set_one_up(personas, client):
    Authenticator.objects.filter(user=personas.operator_a).delete()
    response = login(client, personas.operator_a.email)
    assert response.status_code == 302
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_unknown_user_and_wrong_password_get_the_same_answer(personas, client):
    unknown = login(client, "nobody@example.org", "whatever-password-1").content.decode()
    wrong = login(client, personas.operator_a.email, "whatever-password-1").content.decode()
    message = "non sono corretti"
    assert message in unknown and message in wrong
    assert AuditEvent.objects.filter(action="accounts.login.failed").count() == 2


def test_login_is_throttled(personas, client):
    for _ in range(5):
        login(client, personas.operator_a.email, "wrong-password-123")
    response = login(client, personas.operator_a.email)
    assert response.status_code in (200, 429)
    assert "mfa_authenticate" not in response.get("Location", "")
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_passwords_are_hashed_with_argon2(personas):
    personas.operator_a.refresh_from_db()
    assert identify_hasher(personas.operator_a.password).algorithm == "argon2"


def test_password_rules(personas):
    for weak in ["short", "password123456", "scarpette-2026", "123456789012"]:
        try:
            validate_password(weak, personas.operator_a)
        except ValidationError:
            continue
        raise AssertionError(f"{weak!r} was accepted")
    validate_password("un cavallo corre sul prato verde " * 2 + "x" * 10, personas.operator_a)


def test_logout_deletes_the_session_and_clears_the_browser(personas, client):
    client.force_login(personas.operator_a)
    session_key = client.session.session_key
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "cache" in response["Clear-Site-Data"] and "cookies" in response["Clear-Site-Data"]
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_replaying_a_logged_out_session_cookie_is_refused(personas, client):
    client.force_login(personas.operator_a)
    old = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = old
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_idle_timeout_after_15_minutes(personas, client):
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False) as traveller:
        client.force_login(personas.operator_a)
        assert client.get(reverse("core:dashboard")).status_code == 200
        traveller.shift(14 * 60)
        assert client.get(reverse("core:dashboard")).status_code == 200
        traveller.shift(16 * 60)
        response = client.get(reverse("core:dashboard"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action="accounts.session.expired").exists()


def test_absolute_timeout_after_8_hours_even_when_active(personas, client):
    with time_machine.travel("2026-05-04 08:00:00+02:00", tick=False) as traveller:
        client.force_login(personas.operator_a)
        client.get(reverse("core:dashboard"))
        for _ in range(8 * 6 + 2):
            traveller.shift(10 * 60)
            response = client.get(reverse("core:dashboard"))
            if response.status_code == 302:
                break
        assert response.status_code == 302
        assert AuditEvent.objects.filter(
            action="accounts.session.expired", detail__reason="absolute"
        ).exists()


def test_sign_up_is_closed(db, client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a-very-long-password-1"},
    )
    from scarpette.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 302, 403)
