"""No lost update on the identity and the percorso; a field absent from the request keeps its value."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.models import Case, CaseIdentity
from scarpette.cases.services import case_open, case_update_identity

CONFLICT = "Qualcun altro ha modificato questi dati mentre li stavi modificando."
STORED = {
    "full_name": "Zelda Segreta",
    "tax_code": "RSSMRA80A41F205B",
    "phone": "333 1234567",
    "email": "z@example.org",
    "address": "Via Roma 1",
    "safe_channels": "sms,through_centre",
    "safe_times": "martedì mattina",
}


@pytest.fixture
def case(personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(actor=personas.operator_a, case=case, data=STORED)
    return case


def identity_url(case):
    return reverse("cases:case_identity", kwargs={"public_id": case.public_id})


def full_form(**changes):
    data = {**STORED, "safe_channels": ["sms", "through_centre"], "safe_channels_shown": "1"}
    data.update(changes)
    return data


def stored(case) -> dict:
    identity = CaseIdentity.objects.get(case=case)
    return {field: getattr(identity, field) for field in STORED}


def test_the_second_of_two_edits_from_the_same_version_is_refused_and_shown(personas, case, client):
    version = CaseIdentity.objects.get(case=case).version
    first, second = client.__class__(), client.__class__()
    first.force_login(personas.operator_a)
    second.force_login(personas.referent_a)
    # Both opened the form at the same version; the first corrects the safe channels.
    response = first.post(identity_url(case), full_form(safe_channels=["email"], version=version))
    assert response.status_code == 302
    updates = AuditEvent.objects.filter(action="cases.identity.updated").count()

    response = second.post(identity_url(case), full_form(phone="02 7654321", version=version))

    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    assert "Valori salvati ora" in page
    # The stored values, in words: the channels the first person corrected.
    assert "<dt>Canali su cui è sicuro contattarla</dt><dd>E-mail</dd>" in page
    assert 'value="02 7654321"' in page  # what she typed is still in the form
    assert f'name="version" value="{version + 1}"' in page
    # Nothing overwritten: the first correction stands, no audit event for the refused save.
    assert stored(case)["safe_channels"] == "email"
    assert stored(case)["phone"] == "333 1234567"
    assert AuditEvent.objects.filter(action="cases.identity.updated").count() == updates

    # Saving again from the conflict page (now at the current version) is her explicit choice.
    response = second.post(identity_url(case), full_form(phone="02 7654321", version=version + 1))
    assert response.status_code == 302
    assert stored(case)["phone"] == "02 7654321"


def test_a_post_without_any_field_keeps_every_stored_value(personas, case, client):
    client.force_login(personas.operator_a)
    response = client.post(identity_url(case), {})
    assert response.status_code == 200
    assert "ricarica la pagina" in response.content.decode()
    assert stored(case) == STORED


def test_fields_absent_from_the_request_keep_their_value(personas, case, client):
    client.force_login(personas.operator_a)
    version = CaseIdentity.objects.get(case=case).version
    response = client.post(identity_url(case), {"full_name": "Zelda S.", "version": version})
    assert response.status_code == 302
    assert stored(case) == {**STORED, "full_name": "Zelda S."}
    updated = AuditEvent.objects.filter(action="cases.identity.updated").latest("id")
    assert updated.detail["fields"] == ["full_name"]


def test_clearing_is_explicit_an_empty_field_and_an_emptied_channel_group(personas, case, client):
    client.force_login(personas.operator_a)
    version = CaseIdentity.objects.get(case=case).version
    data = full_form(address="", version=version)
    del data["safe_channels"]  # no box ticked: absent by HTML nature, the marker says "shown"
    assert client.post(identity_url(case), data).status_code == 302
    assert stored(case) == {**STORED, "address": "", "safe_channels": ""}


def test_unticked_channels_without_the_marker_keep_the_channels(personas, case, client):
    client.force_login(personas.operator_a)
    version = CaseIdentity.objects.get(case=case).version
    data = full_form(version=version)
    del data["safe_channels"], data["safe_channels_shown"]
    client.post(identity_url(case), data)
    assert stored(case)["safe_channels"] == "sms,through_centre"


def test_the_identity_form_carries_the_version_and_the_channel_marker(personas, case, client):
    client.force_login(personas.operator_a)
    page = client.post(identity_url(case), {"action": "reveal"}).content.decode()
    version = CaseIdentity.objects.get(case=case).version
    assert f'name="version" value="{version}"' in page
    assert 'name="safe_channels_shown" value="1"' in page


def test_a_status_change_from_a_stale_page_is_refused(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    url = reverse("cases:case_status", kwargs={"public_id": case.public_id})
    assert client.post(url, {"status": "suspended", "version": 0}).status_code == 302

    response = client.post(url, {"status": "closed", "version": 0})

    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    case.refresh_from_db()
    assert case.status == "suspended" and case.version == 1


def test_an_assignment_from_a_stale_page_is_refused(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.referent_a)
    url = reverse("cases:case_assign", kwargs={"public_id": case.public_id})
    op, ref = str(personas.operator_a.public_id), str(personas.referent_a.public_id)
    assert client.post(url, {"assigned": [op, ref], "version": 0}).status_code == 302

    response = client.post(url, {"assigned": [ref], "version": 0})

    assert response.status_code == 409
    assert set(Case.objects.get().assigned_to.all()) == {personas.operator_a, personas.referent_a}
