"""Delivery: retries with back-off, the sweeper, exactly once, and errors that keep no address."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from scarpette.notifications.delivery import BUSY, SKIPPED, deliver_message, retry_delay_seconds
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.services import notify
from scarpette.notifications.tasks import deliver

pytestmark = pytest.mark.django_db

LINK = "http://127.0.0.1:8000/percorsi/4f1c2a7e-0000-4000-8000-000000000002/"
ADDRESS = "ref.a@example.org"


def _notify_and_commit(capture, key: str = "k:1", to: str = ADDRESS) -> OutboxMessage:
    with capture(execute=True), transaction.atomic():
        (message,) = notify(key=key, to=to, template="inps_reply", context={"link": LINK})
    return message


def _sweep() -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_pending_mail", stdout=out)
    return out.getvalue()


def test_a_failed_delivery_is_kept_queued_then_the_sweeper_sends_it_once(
    smtp_sink, run_worker, django_capture_on_commit_callbacks
):
    message = _notify_and_commit(django_capture_on_commit_callbacks)
    before = timezone.now()

    run_worker()  # the SMTP server is down: the port is closed

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at > before + timedelta(seconds=30)
    assert message.last_error == "ConnectionRefusedError"
    # The retry is enqueued for the time of the next attempt.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at
    # Nothing is due yet: the sweeper leaves it alone.
    assert "sent 0" in _sweep()

    smtp_sink.start()
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert "sent 1" in _sweep()
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENT
        assert message.attempts == 2
        # The enqueued retry now runs and finds the message already sent.
        run_worker()
        assert "sent 0" in _sweep()
    assert len(smtp_sink.envelopes) == 1
    assert smtp_sink.envelopes[0].rcpt_tos == [ADDRESS]


def test_running_deliver_twice_for_a_message_sends_it_once(
    smtp_server, run_worker, django_capture_on_commit_callbacks
):
    message = _notify_and_commit(django_capture_on_commit_callbacks)
    deliver.enqueue(message.pk)  # a second task for the same message (replay, duplicate enqueue)

    run_worker()

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert len(smtp_server.envelopes) == 1
    assert deliver.call(message.pk) == SKIPPED
    assert len(smtp_server.envelopes) == 1


def test_a_missing_message_is_not_an_error(db):
    assert deliver_message(999_999) == BUSY


def test_it_gives_up_only_after_the_retry_period_and_logs_no_address(
    smtp_sink, settings, django_capture_on_commit_callbacks, caplog
):
    settings.NOTIFY_RETRY_HOURS = 48
    message = _notify_and_commit(django_capture_on_commit_callbacks)
    start = message.queued_at
    outcomes = []
    with caplog.at_level(logging.INFO, logger="scarpette.notifications"):
        # Ten attempts within the period: retried, never failed.
        for hours in (0, 1, 2, 5, 10, 20, 30, 40, 47, 47.9):
            with time_machine.travel(start + timedelta(hours=hours)):
                outcomes.append(deliver_message(message.pk))
        with time_machine.travel(start + timedelta(hours=48, seconds=1)):
            outcomes.append(deliver_message(message.pk))
            outcomes.append(deliver_message(message.pk))
    assert outcomes == ["retry"] * 10 + ["failed", "skipped"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 11
    assert message.last_error == "ConnectionRefusedError"
    # Each failure is logged by the message's public id, never by its address or text.
    failures = [r for r in caplog.records if r.name == "scarpette.notifications.delivery"]
    assert len(failures) == 11
    assert all(str(message.public_id) in r.getMessage() for r in failures)
    assert ADDRESS not in caplog.text and "example.org" not in caplog.text
    assert message.subject not in caplog.text
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert "sent 0" in _sweep()


def test_a_refused_recipient_keeps_the_code_but_not_the_address(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse_recipients = True
    message = _notify_and_commit(django_capture_on_commit_callbacks)
    assert deliver_message(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error == "SMTPRecipientsRefused 550"
    assert smtp_server.envelopes == []


def test_the_back_off_doubles_up_to_its_cap(settings):
    settings.NOTIFY_RETRY_SECONDS = 60
    settings.NOTIFY_RETRY_MAX_SECONDS = 3600
    assert [retry_delay_seconds(n) for n in (1, 2, 3, 4, 6, 7, 8, 500)] == [
        60,
        120,
        240,
        480,
        1920,
        3600,
        3600,
        3600,
    ]


def test_the_sweeper_works_in_batches(smtp_server, django_capture_on_commit_callbacks):
    for n in range(5):
        _notify_and_commit(
            django_capture_on_commit_callbacks, key=f"k:{n}", to=f"op{n}@example.org"
        )
    out = _sweep_with_batch(2)
    assert "sent 5" in out
    assert len(smtp_server.envelopes) == 5
    assert OutboxMessage.objects.filter(status="sent").count() == 5


def _sweep_with_batch(size: int) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_pending_mail", "--batch-size", str(size), stdout=out)
    return out.getvalue()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_in_the_demo_the_task_runs_at_commit_without_a_worker(
    immediate_tasks, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (message,) = notify(key="k:9", to=ADDRESS, template="inps_reply", context={"link": LINK})
        assert smtp_server.envelopes == []  # not before the commit
    assert len(smtp_server.envelopes) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert DBTaskResult.objects.count() == 0


def test_without_deferred_tasks_a_failure_is_left_to_the_sweeper(
    immediate_tasks, smtp_sink, django_capture_on_commit_callbacks
):
    message = _notify_and_commit(django_capture_on_commit_callbacks)  # server down
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.QUEUED, 1)
    smtp_sink.start()
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert "sent 1" in _sweep()
    assert len(smtp_sink.envelopes) == 1
