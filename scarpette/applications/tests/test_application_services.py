"""application_start / application_update / deadlines_refresh: rules, scope and audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from scarpette.applications.models import Application, ApplicationEvent, Deadline
from scarpette.applications.selectors import glance_for_case
from scarpette.applications.services import (
    application_start,
    application_update,
    deadlines_refresh,
)
from scarpette.applications.tests.conftest import add_run, results_with
from scarpette.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = "2026-04-15 10:00:00+02:00"


def test_it_starts_one_application_per_measure(personas, case_a):
    first = application_start(actor=personas.operator_a, case=case_a, measure="naspi")
    again = application_start(actor=personas.referent_a, case=case_a, measure="naspi")
    assert first.pk == again.pk
    assert Application.objects.count() == 1
    assert first.status == Application.Status.TO_PREPARE
    assert ApplicationEvent.objects.filter(application=first).count() == 1
    events = AuditEvent.objects.filter(action="applications.application.created")
    assert events.count() == 1
    assert events.get().detail == {"case": str(case_a.public_id), "measure": "naspi"}


def test_it_rejects_an_unknown_measure(personas, case_a):
    with pytest.raises(ValidationError) as exc:
        application_start(actor=personas.operator_a, case=case_a, measure="bonus_yacht")
    assert "measure" in exc.value.message_dict


@pytest.mark.parametrize("who", ["operator_b", "inps_specialist", "tavolo_member", "admin"])
def test_it_denies_other_centres_and_other_roles(personas, case_a, who):
    user = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        application_start(actor=user, case=case_a, measure="naspi")
    application = application_start(actor=personas.operator_a, case=case_a, measure="naspi")
    with pytest.raises(PermissionDenied):
        application_update(actor=user, application=application, data={"status": "documents_ready"})
    application.refresh_from_db()
    assert application.status == Application.Status.TO_PREPARE


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"status": "submitted"}, {"submitted_on", "channel"}),
        (
            {"status": "submitted", "submitted_on": date(2026, 4, 16), "channel": "online"},
            {"submitted_on"},
        ),
        ({"status": "submitted", "submitted_on": date(2026, 4, 1), "channel": " "}, {"channel"}),
        ({"status": "decided", "submitted_on": date(2026, 4, 1), "channel": "online"}, {"outcome"}),
        (
            {
                "status": "decided",
                "submitted_on": date(2026, 4, 1),
                "channel": "online",
                "outcome": "granted",
                "amount": Decimal("-1"),
                "amount_period": "monthly",
            },
            {"amount"},
        ),
        (
            {
                "status": "paid",
                "submitted_on": date(2026, 4, 1),
                "channel": "online",
                "outcome": "granted",
            },
            {"paid_on"},
        ),
        (
            {
                "status": "paid",
                "submitted_on": date(2026, 4, 1),
                "channel": "online",
                "outcome": "rejected",
                "paid_on": date(2026, 4, 10),
            },
            {"status"},
        ),
        ({"status": "archived"}, {"status"}),
    ],
    ids=[
        "submitted_needs_date_and_channel",
        "submitted_not_future",
        "submitted_needs_channel",
        "decided_needs_outcome",
        "amount_not_negative",
        "paid_needs_paid_on",
        "rejected_cannot_be_paid",
        "unknown_status",
    ],
)
def test_it_validates_each_step(personas, case_a, data, fields):
    application = application_start(actor=personas.operator_a, case=case_a, measure="naspi")
    with pytest.raises(ValidationError) as exc:
        application_update(actor=personas.operator_a, application=application, data=data)
    assert set(exc.value.message_dict) == fields
    application.refresh_from_db()
    assert application.status == Application.Status.TO_PREPARE


@time_machine.travel(TODAY, tick=False)
def test_it_moves_forward_to_paid_and_never_back(personas, case_a):
    application = application_start(actor=personas.operator_a, case=case_a, measure="naspi")
    application_update(
        actor=personas.operator_a,
        application=application,
        data={"status": "documents_ready", "documents_ready": [1, 0, 1]},
    )
    application_update(
        actor=personas.operator_a,
        application=application,
        data={
            "status": "submitted",
            "submitted_on": date(2026, 4, 2),
            "channel": "Patronato",
            "protocol_number": "INPS.1234.2026",
        },
    )
    application_update(
        actor=personas.operator_a,
        application=application,
        data={
            "status": "decided",
            "outcome": "granted",
            "amount": Decimal("812.50"),
            "amount_period": "monthly",
            "start_on": date(2026, 4, 3),
        },
    )
    application_update(
        actor=personas.operator_a,
        application=application,
        data={"status": "paid", "paid_on": date(2026, 4, 14)},
    )
    application.refresh_from_db()
    assert application.status == Application.Status.PAID
    assert application.documents_ready == [0, 1]
    assert application.amount == Decimal("812.50")
    assert list(application.events.values_list("status", flat=True)) == [
        "to_prepare",
        "documents_ready",
        "submitted",
        "decided",
        "paid",
    ]
    with pytest.raises(ValidationError) as exc:
        application_update(
            actor=personas.operator_a, application=application, data={"status": "submitted"}
        )
    assert "status" in exc.value.message_dict
    assert glance_for_case(case_a) == [("NASpI (indennità di disoccupazione)", "Pagata", "paid")]


@time_machine.travel(TODAY, tick=False)
def test_it_audits_field_names_and_encrypts_the_protocol(personas, case_a):
    application = application_start(actor=personas.operator_a, case=case_a, measure="naspi")
    application_update(
        actor=personas.operator_a,
        application=application,
        data={
            "status": "submitted",
            "submitted_on": date(2026, 4, 2),
            "channel": "online",
            "protocol_number": "INPS.9999.2026",
        },
    )
    event = AuditEvent.objects.get(action="applications.application.updated")
    assert event.detail["fields"] == ["channel", "protocol_number", "status", "submitted_on"]
    assert "INPS.9999" not in str(event.detail)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT protocol_number FROM applications_application WHERE id = %s", [application.pk]
        )
        assert "INPS.9999" not in cursor.fetchone()[0]
    # Saving the same values again changes nothing and writes no second audit record.
    application_update(
        actor=personas.operator_a, application=application, data={"channel": "online"}
    )
    assert AuditEvent.objects.filter(action="applications.application.updated").count() == 1


def test_deadlines_follow_each_saved_run_without_any_page_computing_them(personas, screened_case_a):
    # The fixture's run was announced with `screening_saved`: its deadlines already exist.
    assert sorted(Deadline.objects.values_list("measure", "kind", "due_on")) == [
        ("congedo_violenza", "use_by", date(2028, 6, 10)),
        ("naspi", "apply_by", date(2026, 5, 8)),
    ]
    # A later screening finds her not eligible for NASpI: its deadline goes away.
    add_run(
        screened_case_a,
        personas.operator_a,
        {"job_end_date": "2026-03-01", "protection_path_start": "2025-06-11"},
        results_with(naspi="not_eligible", congedo_violenza="eligible"),
    )
    assert list(Deadline.objects.values_list("measure", "due_on")) == [
        ("congedo_violenza", date(2028, 6, 11))
    ]
    assert AuditEvent.objects.filter(action="applications.deadlines.refreshed").count() == 2
    deadlines_refresh(case=screened_case_a)
    assert AuditEvent.objects.filter(action="applications.deadlines.refreshed").count() == 2
