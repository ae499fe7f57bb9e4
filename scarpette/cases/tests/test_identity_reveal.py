"""Her identity reaches a page only through an audited reveal (security.md, data protection)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, case_update_identity

NAME, TAX_CODE = "Zelda Segreta", "RSSMRA80A41F205B"


@pytest.fixture
def case(personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a, case=case, data={"full_name": NAME, "tax_code": TAX_CODE}
    )
    return case


def url(case):
    return reverse("cases:case_identity", kwargs={"public_id": case.public_id})


def reveals(case) -> int:
    return AuditEvent.objects.filter(
        action="cases.identity.revealed", object_id=str(case.public_id)
    ).count()


def test_the_edit_page_opens_masked_and_reveals_nothing(client, personas, case):
    client.force_login(personas.operator_a)
    response = client.get(url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert NAME not in page and TAX_CODE not in page
    assert "Mostra per modificare" in page
    assert reveals(case) == 0


def test_showing_the_form_writes_the_reveal_event(client, personas, case):
    client.force_login(personas.operator_a)
    page = client.post(url(case), {"action": "reveal"}).content.decode()
    assert NAME in page and TAX_CODE in page
    assert reveals(case) == 1
    event = AuditEvent.objects.get(action="cases.identity.revealed")
    assert event.actor_id == personas.operator_a.pk


def test_a_form_shown_again_with_an_error_is_a_reveal_too(client, personas, case):
    client.force_login(personas.operator_a)
    response = client.post(url(case), {"full_name": NAME, "tax_code": "NONVALIDO", "version": "1"})
    assert response.status_code == 200
    assert "NONVALIDO" in response.content.decode()  # shown back to be corrected
    assert reveals(case) == 1


def test_an_empty_identity_opens_the_form_at_once(client, personas):
    empty = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    page = client.get(url(empty)).content.decode()
    assert 'name="full_name"' in page
    assert "Mostra per modificare" not in page


def test_another_centre_cannot_reveal(client, personas, case):
    client.force_login(personas.operator_b)
    assert client.post(url(case), {"action": "reveal"}).status_code == 404
    assert reveals(case) == 0
