"""Centre A's percorsi do not exist for anyone outside centre A."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, case_update_identity

CASE_URLS_GET = ["cases:case_detail", "cases:case_identity", "cases:case_access_log"]
CASE_URLS_POST = [
    "cases:case_reveal",
    "cases:case_status",
    "cases:case_assign",
    "cases:case_note",
    "cases:consent_give",
    "cases:consent_withdraw",
]


@pytest.fixture
def case_a(personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(actor=personas.operator_a, case=case, data={"full_name": "Zelda Segreta"})
    return case


@pytest.mark.parametrize("name", CASE_URLS_GET + CASE_URLS_POST)
def test_it_hides_case_from_other_centre(name, personas, client, case_a):
    client.force_login(personas.operator_b)
    url = reverse(name, kwargs={"public_id": case_a.public_id})
    before = AuditEvent.objects.filter(action="cases.case.access_denied").count()
    response = (
        client.post(url, {"status": "closed", "text": "x", "purpose": "statistics"})
        if (name in CASE_URLS_POST)
        else client.get(url)
    )
    assert response.status_code == 404
    assert b"Zelda" not in response.content
    denied = AuditEvent.objects.filter(action="cases.case.access_denied").order_by("-id")
    assert denied.count() == before + 1
    event = denied.first()
    assert event.actor_id == personas.operator_b.pk
    assert event.object_id == str(case_a.public_id)
    assert event.organisation_id == personas.centre_a.pk
    assert event.outcome == "denied"
    case_a.refresh_from_db()
    assert case_a.status == "open"


def test_an_absent_case_is_the_same_404(personas, client):
    client.force_login(personas.operator_b)
    response = client.get(
        reverse("cases:case_detail", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    )
    assert response.status_code == 404


def test_it_shows_only_own_centre_in_list(personas, client, case_a):
    case_b = case_open(actor=personas.operator_b)
    client.force_login(personas.operator_b)
    content = client.get(reverse("cases:case_list")).content.decode()
    assert case_b.code in content
    assert case_a.code not in content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        # No permission to read percorsi at all: 403 before any lookup.
        ("inps_specialist", 403),
        ("sportello_officer", 403),
        ("tavolo_member", 403),
        # May read one under a break-glass grant; without one, the percorso does not exist.
        ("admin", 404),
    ],
)
def test_non_centre_roles_never_see_a_case(persona, status, personas, client, case_a):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("cases:case_detail", kwargs={"public_id": case_a.public_id}))
    assert response.status_code == status
    assert case_a.code not in response.content.decode()


def test_it_ignores_extra_fields_posted_to_forms(personas, client):
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("cases:case_open"),
        {
            "opened_on": "2026-01-10",
            "centre": personas.centre_b.pk,
            "centre_id": personas.centre_b.pk,
            "status": "closed",
            "is_transmitted": "on",
            "owner": personas.operator_b.pk,
            "created_by": personas.operator_b.pk,
            "idempotency_key": "0b6f7c8e-3c1a-4f7e-9a51-2d0c8e1b7a10",
        },
    )
    assert response.status_code == 302
    from scarpette.cases.models import Case

    case = Case.objects.get()
    assert case.centre_id == personas.centre_a.pk
    assert case.status == "open"
    assert case.created_by == personas.operator_a
    assert list(case.assigned_to.all()) == [personas.operator_a]
