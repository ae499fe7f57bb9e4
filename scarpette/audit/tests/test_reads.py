"""Reads are audited in one place (scarpette.audit.reads): a page shown is one read event on the
percorso; a form sent back, a refusal or a change is not a read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.selectors import case_get_for_user
from scarpette.cases.services import case_open
from scarpette.core.idempotency import FIELD_NAME, new_key


@pytest.fixture
def case(personas):
    return case_open(actor=personas.operator_a)


def reads_of(case, action="cases.case.viewed"):
    return AuditEvent.objects.filter(action=action, object_id=str(case.public_id))


def test_showing_a_percorso_writes_one_read_event(client, personas, case):
    client.force_login(personas.operator_a)
    response = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert response.status_code == 200
    event = reads_of(case).get()
    assert event.actor_id == personas.operator_a.pk
    assert event.organisation_id == personas.centre_a.pk


def test_a_change_is_audited_by_its_service_not_as_a_read(client, personas, case):
    client.force_login(personas.operator_a)
    url = reverse("cases:case_note", kwargs={"public_id": case.public_id})
    response = client.post(url, {"text": "Colloquio di accoglienza.", FIELD_NAME: new_key()})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="cases.note.created").count() == 1
    assert not reads_of(case).exists()


def test_a_form_sent_back_with_errors_is_not_a_read(client, personas, case):
    client.force_login(personas.operator_a)
    url = reverse("cases:case_note", kwargs={"public_id": case.public_id})
    assert client.post(url, {"text": ""}).status_code == 400
    assert not reads_of(case).exists()


def test_a_page_names_its_read_in_words_it_chose(client, personas, case):
    client.force_login(personas.operator_a)
    url = reverse("applications:application_list", kwargs={"case_id": case.public_id})
    assert client.get(url).status_code == 200
    assert reads_of(case, "applications.application_list.viewed").count() == 1
    assert not reads_of(case).exists()


def test_a_fetch_outside_a_request_is_left_to_its_caller(personas, case):
    # Commands and services audit what they do; a bare fetch there notes nothing.
    assert case_get_for_user(user=personas.operator_a, public_id=case.public_id) == case
    assert not reads_of(case).exists()
