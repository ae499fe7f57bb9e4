"""The account toggle takes an explicit target state; role and organisation edits are checked by
version; an organisation's "active" box absent from the request keeps its value."""

from __future__ import annotations

from django.urls import reverse

from scarpette.accounts.models import Membership, Organisation
from scarpette.accounts.testing import PASSWORD
from scarpette.audit.models import AuditEvent

CONFLICT = "Qualcun altro ha modificato questi dati mentre li stavi modificando."


def toggle_url(user):
    return reverse("accounts:account_active", kwargs={"public_id": user.public_id})


def test_a_toggle_without_its_target_state_changes_nothing(personas, client):
    client.force_login(personas.referent_a)
    response = client.post(toggle_url(personas.operator_a), {}, follow=True)
    assert "Richiesta incompleta: nessuna modifica." in response.content.decode()
    personas.operator_a.refresh_from_db()
    assert personas.operator_a.is_active
    assert not AuditEvent.objects.filter(action__startswith="accounts.user.").exists()


def test_a_toggle_with_a_malformed_target_state_changes_nothing(personas, client):
    client.force_login(personas.referent_a)
    client.post(toggle_url(personas.operator_a), {"active": "false"})
    personas.operator_a.refresh_from_db()
    assert personas.operator_a.is_active


def test_a_toggle_without_its_field_on_someone_else_is_still_a_404(personas, client):
    client.force_login(personas.referent_a)
    assert client.post(toggle_url(personas.operator_b), {}).status_code == 404


def test_asking_twice_for_the_same_state_writes_one_event(personas, client):
    client.force_login(personas.referent_a)
    client.post(toggle_url(personas.operator_a), {"active": "0"})
    client.post(toggle_url(personas.operator_a), {"active": "0"})  # a second tab
    personas.operator_a.refresh_from_db()
    assert not personas.operator_a.is_active
    assert AuditEvent.objects.filter(action="accounts.user.deactivated").count() == 1


def test_a_role_change_from_a_stale_page_is_refused(personas, client):
    client.force_login(personas.admin)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    url = reverse("accounts:account_role", kwargs={"public_id": personas.operator_a.public_id})
    centre = str(personas.centre_a.public_id)
    assert (
        client.post(url, {"role": "referente", "organisation": centre, "version": 0}).status_code
        == 302
    )

    response = client.post(url, {"role": "operatrice", "organisation": centre, "version": 0})

    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page and "Valori salvati ora" in page
    assert Membership.objects.get(user=personas.operator_a).role == "referente"


def test_an_organisation_edit_from_a_stale_page_is_refused(personas, client):
    client.force_login(personas.admin)
    url = reverse("accounts:organisation_edit", kwargs={"public_id": personas.centre_a.public_id})
    base = {"kind": "cav", "is_active": "on", "is_active_shown": "1"}
    assert client.post(url, {**base, "name": "Centro A1", "version": 0}).status_code == 302

    response = client.post(url, {**base, "name": "Centro A2", "version": 0})

    assert response.status_code == 409
    assert "Centro A1" in response.content.decode()  # the stored name, shown beside hers
    assert Organisation.objects.get(pk=personas.centre_a.pk).name == "Centro A1"


def test_an_organisation_posted_without_its_active_box_stays_active(personas, client):
    client.force_login(personas.admin)
    url = reverse("accounts:organisation_edit", kwargs={"public_id": personas.centre_a.public_id})
    assert client.post(url, {"name": "Centro A", "kind": "cav", "version": 0}).status_code == 302
    assert Organisation.objects.get(pk=personas.centre_a.pk).is_active
    # Unticking the box on the page (marker present) is the explicit choice to deactivate.
    client.post(url, {"name": "Centro A", "kind": "cav", "version": 1, "is_active_shown": "1"})
    assert not Organisation.objects.get(pk=personas.centre_a.pk).is_active
