"""Referents manage their centre's operators; administrators manage organisations and accounts."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from scarpette.accounts.models import Membership, Organisation, User
from scarpette.accounts.testing import PASSWORD
from scarpette.audit.models import AuditEvent
from scarpette.core.testing import keyed


def test_referent_invites_an_operator_who_gets_a_neutral_mail(
    personas, client, django_capture_on_commit_callbacks
):
    client.force_login(personas.referent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:centre_staff"),
            keyed(
                {
                    "full_name": "Nora Nuova",
                    "email": "Nora@Example.org",
                    "centre": personas.centre_b.pk,
                    "role": "referente",
                }
            ),
        )
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.org")
    assert user.membership.organisation == personas.centre_a
    assert user.membership.role == "operatrice"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@example.org"]
    text = (message.subject + message.body).lower()
    for word in ["violen", "centro a", "scarpette", "inps"]:
        assert word not in text
    assert "/accounts/password/reset/key/" in message.body
    assert AuditEvent.objects.filter(action="accounts.user.invited").exists()


def test_invite_with_an_existing_email_shows_the_error_on_the_field(personas, client):
    client.force_login(personas.referent_a)
    response = client.post(
        reverse("accounts:centre_staff"),
        keyed({"full_name": "Doppia", "email": personas.operator_b.email}),
    )
    assert response.status_code == 200
    assert "Esiste già un account" in response.content.decode()
    assert len(mail.outbox) == 0


def test_a_deactivated_operator_is_refused_on_her_next_request(personas, client):
    operator_client = client.__class__()
    operator_client.force_login(personas.operator_a)
    assert operator_client.get(reverse("cases:case_list")).status_code == 200
    client.force_login(personas.referent_a)
    response = client.post(
        reverse("accounts:account_active", kwargs={"public_id": personas.operator_a.public_id}),
        {"active": "0"},
    )
    assert response.status_code == 302
    response = operator_client.get(reverse("cases:case_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action="accounts.user.deactivated").exists()


def test_a_reactivated_account_does_not_get_its_old_session_back(personas, client):
    operator_client = client.__class__()
    operator_client.force_login(personas.operator_a)
    assert operator_client.get(reverse("cases:case_list")).status_code == 200
    client.force_login(personas.referent_a)
    url = reverse("accounts:account_active", kwargs={"public_id": personas.operator_a.public_id})
    assert client.post(url, {"active": "0"}).status_code == 302
    assert client.post(url, {"active": "1"}).status_code == 302
    personas.operator_a.refresh_from_db()
    assert personas.operator_a.is_active
    # Her old session ended with the deactivation: she signs in again.
    response = operator_client.get(reverse("cases:case_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    fresh = client.__class__()
    fresh.force_login(personas.operator_a)
    assert fresh.get(reverse("cases:case_list")).status_code == 200


def test_a_revoked_role_is_refused_on_the_next_request(personas, client):
    client.force_login(personas.operator_a)
    assert client.get(reverse("cases:case_list")).status_code == 200
    Membership.objects.filter(user=personas.operator_a).update(is_active=False)
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.session.revoked").exists()


def test_referent_cannot_touch_another_centres_staff(personas, client):
    client.force_login(personas.referent_a)
    response = client.post(
        reverse("accounts:account_active", kwargs={"public_id": personas.operator_b.public_id}),
        {"active": "0"},
    )
    assert response.status_code == 404
    personas.operator_b.refresh_from_db()
    assert personas.operator_b.is_active


def test_referent_cannot_deactivate_herself(personas, client):
    client.force_login(personas.referent_a)
    client.post(
        reverse("accounts:account_active", kwargs={"public_id": personas.referent_a.public_id}),
        {"active": "0"},
    )
    personas.referent_a.refresh_from_db()
    assert personas.referent_a.is_active


def test_admin_creates_organisation_and_account(
    personas, client, django_capture_on_commit_callbacks
):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:organisation_create"),
        keyed({"name": "Centro Nuovo", "kind": "cav", "is_active": "on"}),
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Centro Nuovo")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:account_create"),
            keyed(
                {
                    "full_name": "Olga Operatrice",
                    "email": "olga@example.org",
                    "role": "operatrice",
                    "organisation": str(org.public_id),
                }
            ),
        )
    assert response.status_code == 302
    assert User.objects.get(email="olga@example.org").membership.organisation == org
    assert len(mail.outbox) == 1


def test_admin_cannot_put_an_inps_role_in_a_centre(personas, client):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:account_create"),
        keyed(
            {
                "full_name": "X Y",
                "email": "xy@example.org",
                "role": "consulente_inps",
                "organisation": str(personas.centre_a.public_id),
            }
        ),
    )
    assert response.status_code == 200
    assert "non è previsto" in response.content.decode()
    assert not User.objects.filter(email="xy@example.org").exists()


def test_role_change_requires_reauthentication_and_applies_at_once(personas, client):
    client.force_login(personas.admin)
    url = reverse("accounts:account_role", kwargs={"public_id": personas.operator_a.public_id})
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    response = client.post(
        url, {"role": "tavolo", "organisation": str(personas.centre_a.public_id), "version": "0"}
    )
    assert response.status_code == 302
    operator_client = client.__class__()
    operator_client.force_login(personas.operator_a)
    assert operator_client.get(reverse("cases:case_list")).status_code == 403
    assert AuditEvent.objects.filter(
        action="accounts.membership.changed", detail__to="tavolo"
    ).exists()
