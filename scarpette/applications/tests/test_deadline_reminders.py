"""deadlines_send_reminders and its command: one e-mail per assigned operator, once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from scarpette.applications.models import Deadline
from scarpette.applications.services import (
    application_start,
    application_update,
    deadlines_refresh,
    deadlines_send_reminders,
)
from scarpette.audit.models import AuditEvent
from scarpette.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://portale.example.org/", DEADLINE_REMINDER_DAYS=14)
def test_it_reminds_each_assigned_operator_once(personas, screened_case_a):
    deadlines_refresh(case=screened_case_a)  # NASpI due 8 May 2026, congedo 10 June 2028
    with time_machine.travel("2026-04-20 08:00:00+02:00", tick=False):
        assert deadlines_send_reminders(today=date(2026, 4, 20)) == 0  # 18 days: too early
    with time_machine.travel("2026-04-24 08:00:00+02:00", tick=False):
        assert deadlines_send_reminders(today=date(2026, 4, 24)) == 1
        assert deadlines_send_reminders(today=date(2026, 4, 24)) == 0
    with time_machine.travel("2026-04-25 08:00:00+02:00", tick=False):
        assert deadlines_send_reminders(today=date(2026, 4, 25)) == 0
    messages = OutboxMessage.objects.order_by("recipient")
    assert [m.recipient for m in messages] == ["op.a@example.org", "ref.a@example.org"]
    assert all(m.template == "deadline_reminder" for m in messages)
    link = f"https://portale.example.org/percorsi/{screened_case_a.public_id}/domande/"
    assert all(link in m.body for m in messages)
    naspi = Deadline.objects.get(measure="naspi")
    assert naspi.reminded_at is not None
    assert Deadline.objects.get(measure="congedo_violenza").reminded_at is None
    event = AuditEvent.objects.get(action="applications.deadline.reminded")
    assert event.detail == {"deadline": naspi.pk, "recipients": 2}


def test_it_skips_operators_of_other_centres_and_submitted_applications(personas, screened_case_a):
    screened_case_a.assigned_to.add(personas.operator_b)  # e.g. a stale assignment
    deadlines_refresh(case=screened_case_a)
    with time_machine.travel("2026-04-24 08:00:00+02:00", tick=False):
        assert deadlines_send_reminders(today=date(2026, 4, 24)) == 1
    assert not OutboxMessage.objects.filter(recipient="op.b@example.org").exists()

    # A new deadline for an application already submitted is not reminded.
    OutboxMessage.objects.all().delete()
    Deadline.objects.update(reminded_at=None)
    application = application_start(
        actor=personas.operator_a, case=screened_case_a, measure="naspi"
    )
    with time_machine.travel("2026-04-24 08:00:00+02:00", tick=False):
        application_update(
            actor=personas.operator_a,
            application=application,
            data={"status": "submitted", "submitted_on": date(2026, 4, 20), "channel": "online"},
        )
        assert deadlines_send_reminders(today=date(2026, 4, 24)) == 0
    assert not OutboxMessage.objects.exists()


def test_the_command_refreshes_and_reminds(personas, screened_case_a, capsys):
    with time_machine.travel("2026-05-01 08:00:00+02:00", tick=False):
        call_command("send_deadline_reminders")
    assert "1 deadline reminder(s) sent" in capsys.readouterr().out
    assert OutboxMessage.objects.count() == 2
