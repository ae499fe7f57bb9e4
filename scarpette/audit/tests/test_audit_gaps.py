"""Reads and refusals that once left no trace are in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open


@pytest.fixture
def case(personas):
    return case_open(actor=personas.operator_a)


def test_every_403_is_audited(client, personas):
    client.force_login(personas.operator_a)
    before = AuditEvent.objects.count()
    response = client.get(reverse("accounts:account_list"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(id__gt=before, action="audit.request.forbidden")
    assert event.actor_id == personas.operator_a.pk
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.object_id == "accounts:account_list"
    assert event.organisation_id == personas.centre_a.pk


def test_a_csrf_refusal_is_audited(personas, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("cases:case_note", kwargs={"public_id": case.public_id}), {"text": "x"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="audit.request.forbidden", actor_id=personas.operator_a.pk, detail__method="POST"
    ).exists()


def test_the_questionnaire_start_page_is_an_audited_read(client, personas, case):
    client.force_login(personas.operator_a)
    url = reverse("questionnaire:session_start", kwargs={"case_id": case.public_id})
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="questionnaire.start.viewed", object_id=str(case.public_id)
    ).exists()


def test_the_access_log_of_a_percorso_is_an_audited_read(client, personas, case):
    client.force_login(personas.referent_a)
    url = reverse("cases:case_access_log", kwargs={"public_id": case.public_id})
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="cases.access_log.viewed")
    assert event.object_id == str(case.public_id)
    assert event.organisation_id == personas.centre_a.pk


def test_a_refused_post_on_another_centres_account_is_audited(client, personas):
    client.force_login(personas.referent_a)
    url = reverse("accounts:account_active", kwargs={"public_id": personas.operator_b.public_id})
    assert client.post(url, {"active": "0"}).status_code == 404
    personas.operator_b.refresh_from_db()
    assert personas.operator_b.is_active
    event = AuditEvent.objects.get(action="accounts.user.access_denied")
    assert event.actor_id == personas.referent_a.pk
    assert event.organisation_id == personas.centre_b.pk  # centre B's referent sees it
    assert event.outcome == AuditEvent.Outcome.DENIED


@pytest.mark.parametrize(
    "action",
    [
        "audit.request.forbidden",
        "questionnaire.start.viewed",
        "cases.access_log.viewed",
        "accounts.user.access_denied",
        "referrals.transmission.withdrawn",
        "referrals.consultation.withdrawn",
        "questionnaire.draft.kept",
        "questionnaire.tablet.handed_back",
    ],
)
def test_the_new_actions_read_as_words_in_the_access_log(action):
    from scarpette.audit.actions import known, label

    assert action in known()
    words = label(action)
    assert "." not in words and words != "Altra operazione"
