"""The bare signed-in request: how many queries it makes and when it writes the session.

The idle deadline moves (the session row is written) at most once per `SESSION_TOUCH_SECONDS`,
always on "Continua a lavorare"; membership and organisation load with the user; the "she has a
TOTP authenticator" answer is kept in the session. Revocation stays immediate.
"""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scarpette.accounts.models import Membership, Organisation
from scarpette.audit.models import AuditEvent

DASHBOARD = "core:dashboard"
RENEW = "core:session_renew"

# A bare signed-in GET: the session, then the user joined to her membership and organisation.
BARE_GET_QUERIES = 2
# "Continua a lavorare": the same two reads, then the session write (savepoint, update, release).
RENEW_QUERIES = 5


@pytest.fixture
def traveller():
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False) as traveller:
        yield traveller


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def captured(client, method: str, name: str):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(reverse(name))
    return response, ctx.captured_queries


def test_a_second_request_within_the_touch_interval_writes_no_session(personas, client, traveller):
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(59)

    response, queries = captured(client, "get", DASHBOARD)

    assert response.status_code == 200
    assert session_writes(queries) == []


def test_a_request_after_the_touch_interval_moves_the_deadline(personas, client, traveller):
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(60)

    response, queries = captured(client, "get", DASHBOARD)

    assert response.status_code == 200
    assert len(session_writes(queries)) == 1
    assert client.session["last_seen_at"] == int(time.time())


def test_the_countdown_counts_from_the_stored_deadline(personas, client, traveller):
    client.force_login(personas.operator_a)
    client.get(reverse(DASHBOARD))
    traveller.shift(30)

    response = client.post(reverse(RENEW))
    assert response["X-Session-Expires-In"] == str(15 * 60)  # renew moved it
    traveller.shift(40)  # 40 s after the last move: not moved again

    client.get(reverse(DASHBOARD))  # stores nothing
    traveller.shift(19)  # 59 s after the last move: still not moved
    response = client.get(reverse(DASHBOARD))

    found = re.search(
        r'id="session-warning"[^>]*data-expires-in="(\d+)"', response.content.decode()
    )
    assert int(found.group(1)) == 15 * 60 - 59


def test_continua_a_lavorare_always_moves_the_deadline(personas, client, traveller):
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(5)

    response, queries = captured(client, "post", RENEW)

    assert response.status_code == 204
    assert response["X-Session-Expires-In"] == str(15 * 60)
    assert len(session_writes(queries)) == 1
    assert client.session["last_seen_at"] == int(time.time())


def test_a_get_of_the_renewal_address_moves_nothing(personas, client, traveller):
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(5)

    response, queries = captured(client, "get", RENEW)

    assert response.status_code == 405
    assert session_writes(queries) == []


def test_idle_for_the_limit_since_her_last_request_is_signed_out_when_it_was_not_stored(
    personas, client, traveller
):
    """The idle limit counts from the stored deadline: a request that did not move it (too close
    to the previous one) does not extend the session."""
    client.force_login(personas.operator_a)
    client.get(reverse(DASHBOARD))  # stored: t0
    traveller.shift(30)
    assert client.get(reverse(DASHBOARD)).status_code == 200  # t0 + 30 s, not stored
    traveller.shift(15 * 60)  # idle exactly the limit since that request

    response = client.get(reverse(DASHBOARD))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(
        action="accounts.session.expired", detail__reason="idle"
    ).exists()


def test_a_bare_signed_in_get_makes_two_queries_and_writes_nothing(
    personas, client, traveller, django_assert_max_num_queries
):
    """Pinned so that it does not creep back: the tavolo member's dashboard has no panel query."""
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(10)

    with django_assert_max_num_queries(BARE_GET_QUERIES) as ctx:
        response = client.get(reverse(DASHBOARD))

    assert response.status_code == 200
    assert session_writes(ctx.captured_queries) == []
    assert not [q for q in ctx.captured_queries if "mfa_authenticator" in q["sql"]]


def test_continua_a_lavorare_makes_no_more_than_its_write(
    personas, client, traveller, django_assert_max_num_queries
):
    client.force_login(personas.tavolo_member)
    client.get(reverse(DASHBOARD))
    traveller.shift(10)

    with django_assert_max_num_queries(RENEW_QUERIES):
        response = client.post(reverse(RENEW))

    assert response.status_code == 204


def test_a_deactivated_organisation_is_refused_on_the_next_request(personas, client):
    client.force_login(personas.operator_a)
    assert client.get(reverse(DASHBOARD)).status_code == 200
    Organisation.objects.filter(pk=personas.centre_a.pk).update(is_active=False)

    response = client.get(reverse(DASHBOARD))

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.session.revoked").exists()


def test_a_revoked_role_is_refused_within_the_touch_interval(personas, client, traveller):
    client.force_login(personas.operator_a)
    assert client.get(reverse(DASHBOARD)).status_code == 200
    traveller.shift(5)
    Membership.objects.filter(user=personas.operator_a).update(is_active=False)

    response = client.get(reverse(DASHBOARD))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_removing_her_authenticator_sends_her_back_to_the_two_factor_setup(personas, client):
    """The session keeps "she has a TOTP authenticator"; allauth's removal flow forgets it."""
    from allauth.mfa.base.internal.flows import delete_and_cleanup

    user = personas.operator_a
    client.force_login(user)
    assert client.get(reverse(DASHBOARD)).status_code == 200  # the answer is now in the session

    request = RequestFactory().post("/")
    request.user = user
    request.session = client.session
    for authenticator in Authenticator.objects.filter(user=user):
        delete_and_cleanup(request, authenticator)
    request.session.save()

    response = client.get(reverse(DASHBOARD))

    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_a_user_without_an_authenticator_is_asked_on_every_request(personas, client):
    user = personas.operator_a
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)

    for _ in range(2):
        response = client.get(reverse(DASHBOARD))
        assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_a_session_signed_in_through_allauths_backend_is_carried_over(personas, client):
    """Sessions opened before accounts.backends existed name allauth's backend: not signed out."""
    client.force_login(personas.operator_a)
    session = client.session
    session["_auth_user_backend"] = "allauth.account.auth_backends.AuthenticationBackend"
    session.save()

    response = client.get(reverse(DASHBOARD))

    assert response.status_code == 200
    assert (
        client.session["_auth_user_backend"] == "scarpette.accounts.backends.AuthenticationBackend"
    )
