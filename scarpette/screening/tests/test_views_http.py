"""The Misure pages over HTTP, with the shared personas (scarpette/core/testing.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.screening.facts import MEASURE_IDS

pytestmark = pytest.mark.django_db

# Every role holds measures.view (accounts/permissions.py): all staff may read the catalogue.
READERS = [
    "operator_a",
    "referent_a",
    "operator_b",
    "inps_specialist",
    "sportello_officer",
    "tavolo_member",
    "admin",
]


@pytest.mark.parametrize("persona", READERS)
def test_it_shows_the_catalogue_to_every_staff_role(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("screening:measure_list"))
    assert response.status_code == 200
    for measure_id in MEASURE_IDS:
        assert reverse("screening:measure_detail", args=[measure_id]).encode() in response.content


def test_it_shows_a_measure_with_its_parameters(client, personas) -> None:
    client.force_login(personas.inps_specialist)
    response = client.get(reverse("screening:measure_detail", args=["reddito_liberta"]))
    assert response.status_code == 200
    assert "Reddito di Libertà".encode() in response.content
    assert b"5 marzo 2025" in response.content


def test_it_answers_404_for_an_unknown_measure(client, personas) -> None:
    client.force_login(personas.operator_a)
    response = client.get(reverse("screening:measure_detail", args=["bonus_inesistente"]))
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_login(client) -> None:
    response = client.get(reverse("screening:measure_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_refuses_writes(client, personas) -> None:
    client.force_login(personas.tavolo_member)
    assert client.post(reverse("screening:measure_list")).status_code == 405


def test_it_refuses_a_user_without_the_permission(client, personas, monkeypatch) -> None:
    from scarpette.accounts import permissions

    monkeypatch.setattr(permissions, "has_perm", lambda user, perm: False)
    client.force_login(personas.operator_a)
    assert client.get(reverse("screening:measure_list")).status_code == 403
