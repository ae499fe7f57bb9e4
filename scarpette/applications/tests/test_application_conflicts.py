"""Two people advancing the same application: the second save is refused, nothing overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.applications.models import Application
from scarpette.applications.services import application_start, application_update

CONFLICT = "Qualcun altro ha modificato questi dati mentre li stavi modificando."


@pytest.fixture
def application(personas, screened_case_a):
    return application_start(actor=personas.operator_a, case=screened_case_a, measure="naspi")


def detail(application):
    return reverse("applications:application_detail", kwargs={"public_id": application.public_id})


def test_the_second_of_two_edits_is_refused_and_shows_both_values(personas, application, client):
    client.force_login(personas.operator_a)
    application_update(
        actor=personas.referent_a,
        application=application,
        data={"channel": "Patronato"},
        version=0,
    )

    response = client.post(detail(application), {"channel": "Online", "version": 0})

    assert response.status_code == 409
    page = response.content.decode()
    assert CONFLICT in page
    assert "<dd>Patronato</dd>" in page and 'value="Online"' in page
    application.refresh_from_db()
    assert application.channel == "Patronato" and application.version == 1


def test_fields_absent_from_the_request_keep_their_value(personas, application, client):
    application_update(
        actor=personas.operator_a,
        application=application,
        data={"channel": "Patronato", "protocol_number": "INPS-1", "documents_ready": [0]},
    )
    application.refresh_from_db()
    client.force_login(personas.operator_a)

    response = client.post(detail(application), {"version": application.version, "outcome": ""})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.channel == "Patronato"
    assert application.protocol_number == "INPS-1"
    assert application.documents_ready == [0]


def test_a_form_without_its_version_saves_nothing(personas, application, client):
    client.force_login(personas.operator_a)
    response = client.post(detail(application), {"channel": "Online"})
    assert response.status_code == 400
    assert "ricarica la pagina" in response.content.decode()
    assert Application.objects.get().channel == ""
