"""The application pages: from the list to a paid application, and who may open them."""

from __future__ import annotations

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from scarpette.applications.models import Application, Deadline
from scarpette.applications.selectors import glance_for_case
from scarpette.applications.services import application_start
from scarpette.audit.models import AuditEvent
from scarpette.core.testing import keyed

pytestmark = pytest.mark.django_db

TODAY = "2026-04-15 10:00:00+02:00"


def list_url(case):
    return reverse("applications:application_list", kwargs={"case_id": case.public_id})


def detail_url(application):
    return reverse("applications:application_detail", kwargs={"public_id": application.public_id})


@time_machine.travel(TODAY, tick=False)
def test_it_goes_from_the_list_to_a_paid_application(personas, client, screened_case_a):
    client.force_login(personas.operator_a)
    page = client.get(list_url(screened_case_a)).content.decode()
    assert "Nessuna domanda avviata per questo percorso." in page
    # Buttons for eligible and undetermined measures only.
    assert 'value="naspi"' in page and 'value="congedo_violenza"' in page
    assert 'value="assegno_unico"' not in page
    # Deadlines: NASpI 68 days after 1 March 2026, congedo three years after 10 June 2025.
    assert "8 maggio 2026" in page and "23 giorni" in page
    assert "10 giugno 2028" in page

    response = client.post(list_url(screened_case_a), keyed({"measure": "naspi"}))
    application = Application.objects.get(case=screened_case_a, measure="naspi")
    assert response.status_code == 302 and response.url == detail_url(application)

    page = client.get(detail_url(application)).content.decode()
    assert "Documento d&#x27;identità" in page and "Codice IBAN intestato a lei" in page

    steps = [
        {"status": "documents_ready", "documents_ready": ["0", "1"]},
        {
            "status": "submitted",
            "documents_ready": ["0", "1"],
            "submitted_on": "2026-04-02",
            "channel": "Patronato",
            "protocol_number": "INPS.1234",
        },
        {
            "status": "decided",
            "documents_ready": ["0", "1"],
            "submitted_on": "2026-04-02",
            "channel": "Patronato",
            "outcome": "granted",
            "amount": "1234.50",
            "amount_period": "monthly",
            "start_on": "2026-04-03",
        },
        {
            "status": "paid",
            "documents_ready": ["0", "1"],
            "submitted_on": "2026-04-02",
            "channel": "Patronato",
            "outcome": "granted",
            "amount": "1234.50",
            "amount_period": "monthly",
            "start_on": "2026-04-03",
            "paid_on": "2026-04-14",
        },
    ]
    for data in steps:
        application.refresh_from_db()
        data = {**data, "version": application.version, "documents_ready_shown": "1"}
        response = client.post(detail_url(application), data)
        assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.status == "paid" and application.documents_ready == [0, 1]

    page = client.get(list_url(screened_case_a)).content.decode()
    assert "Pagata" in page and "2 aprile 2026" in page and "Accolta" in page
    assert "1.234,50" in page
    assert 'value="naspi"' not in page  # already started
    detail = client.get(detail_url(application)).content.decode()
    assert detail.count("Alice Operatrice") >= 5  # the timeline, one line per step
    assert (
        AuditEvent.objects.filter(
            action="applications.application.updated", object_id=str(application.public_id)
        ).count()
        == 4
    )
    assert AuditEvent.objects.filter(action="applications.application.viewed").exists()


@time_machine.travel(TODAY, tick=False)
def test_it_shows_the_error_on_the_field(personas, client, screened_case_a):
    client.force_login(personas.operator_a)
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    response = client.post(
        detail_url(application), {"status": "submitted", "submitted_on": "2026-05-01", "version": 0}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "submitted_on" in form.errors and "channel" in form.errors
    assert "La data di presentazione non può essere futura." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "to_prepare"


def test_it_shows_empty_states_without_screening(personas, client, case_a):
    client.force_login(personas.operator_a)
    page = client.get(list_url(case_a)).content.decode()
    assert "Nessuna domanda avviata per questo percorso." in page
    assert "Nessuna misura da avviare" in page
    assert "Nessuna scadenza nota" in page
    assert not Deadline.objects.exists()


def test_it_rejects_an_unknown_measure(personas, client, case_a):
    client.force_login(personas.operator_a)
    response = client.post(list_url(case_a), keyed({"measure": "bonus_yacht"}))
    assert response.status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "who", ["operator_b", "inps_specialist", "sportello_officer", "tavolo_member", "admin"]
)
def test_it_hides_both_pages_from_outsiders(personas, client, screened_case_a, who):
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    client.force_login(getattr(personas, who))
    # Roles that never read percorsi are refused before any lookup (403); the others, and an
    # administrator without a break-glass grant, meet a percorso that does not exist (404).
    expected = 403 if who in {"inps_specialist", "sportello_officer", "tavolo_member"} else 404
    assert client.get(list_url(screened_case_a)).status_code == expected
    assert (
        client.post(list_url(screened_case_a), {"measure": "congedo_violenza"}).status_code
        == expected
    )
    assert client.get(detail_url(application)).status_code == expected
    assert (
        client.post(detail_url(application), {"status": "documents_ready"}).status_code == expected
    )
    assert Application.objects.count() == 1
    application.refresh_from_db()
    assert application.status == "to_prepare"


def test_it_records_the_denied_attempt_of_another_centre(personas, client, screened_case_a):
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    client.force_login(personas.operator_b)
    client.get(detail_url(application))
    event = AuditEvent.objects.get(action="applications.application.access_denied")
    assert event.organisation_id == personas.centre_a.pk


@pytest.mark.parametrize("who", ["operator_a", "referent_a"])
def test_centre_staff_can_open_both_pages(personas, client, screened_case_a, who):
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    client.force_login(getattr(personas, who))
    assert client.get(list_url(screened_case_a)).status_code == 200
    assert client.get(detail_url(application)).status_code == 200


def test_it_sends_anonymous_visitors_to_login(personas, client, screened_case_a):
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    for url in (list_url(screened_case_a), detail_url(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_it_refuses_other_methods(personas, client, screened_case_a):
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    client.force_login(personas.operator_a)
    assert client.put(list_url(screened_case_a)).status_code == 405
    assert client.put(detail_url(application)).status_code == 405
    assert client.delete(detail_url(application)).status_code == 405


def test_the_glance_fragment_lists_statuses(personas, screened_case_a):
    application_start(actor=personas.operator_a, case=screened_case_a, measure="congedo_violenza")
    html = render_to_string(
        "applications/panels/case_glance.html",
        {"panel": {"glance": glance_for_case(screened_case_a)}},
    )
    assert "Congedo indennizzato" in html and "badge-to_prepare" in html and "Da preparare" in html
    assert "Nessuna domanda avviata." in render_to_string(
        "applications/panels/case_glance.html", {"panel": {"glance": []}}
    )
