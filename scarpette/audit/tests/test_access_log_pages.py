"""A referent sees who accessed her centre's percorsi; nobody else does."""

from __future__ import annotations

from django.urls import reverse

from scarpette.cases.services import case_open


def test_referent_sees_who_viewed_a_case(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    client.force_login(personas.operator_b)
    client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    client.force_login(personas.referent_a)
    page = client.get(reverse("cases:case_access_log", kwargs={"public_id": case.public_id}))
    content = page.content.decode()
    assert page.status_code == 200
    assert "op.a@example.org" in content and "Consultazione del percorso" in content
    assert "op.b@example.org" in content and "Tentativo di accesso negato" in content
    assert "cases.case." not in content  # actions in words, never the internal code
    centre = client.get(reverse("cases:centre_access_log")).content.decode()
    assert "Apertura del percorso" in centre


def test_other_centre_events_do_not_appear(personas, client):
    case_b = case_open(actor=personas.operator_b)
    client.force_login(personas.referent_a)
    content = client.get(reverse("cases:centre_access_log")).content.decode()
    assert str(case_b.public_id) not in content
    assert "op.b@example.org" not in content


def test_operator_cannot_read_the_access_log(personas, client):
    client.force_login(personas.operator_a)
    assert client.get(reverse("cases:centre_access_log")).status_code == 403
