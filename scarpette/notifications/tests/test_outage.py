"""An SMTP outage longer than the old retry window, a worker dying between the SMTP answer and the
commit, and a task left RUNNING by a dead worker: every message is delivered, with one Message-ID."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, transaction
from django_tasks_db.models import DBTaskResult

from scarpette.notifications import delivery
from scarpette.notifications.delivery import message_id_for
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.services import notify

pytestmark = pytest.mark.django_db

LINK = "http://127.0.0.1:8000/percorsi/4f1c2a7e-0000-4000-8000-000000000002/"
RECIPIENTS = ["ref.a@example.org", "ref.b@example.org", "casella@example.org"]


def _queue(capture, n: int = 3) -> list[OutboxMessage]:
    messages = []
    with capture(execute=True), transaction.atomic():
        for i in range(n):
            messages += notify(
                key=f"outage:{i}", to=RECIPIENTS[i], template="inps_reply", context={"link": LINK}
            )
    return messages


def _sweep() -> str:
    out = StringIO()
    call_command("send_pending_mail", stdout=out)
    return out.getvalue()


def test_an_outage_longer_than_the_old_window_delivers_every_message_once(
    smtp_sink, run_worker, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_RETRY_SECONDS = 60
    settings.NOTIFY_RETRY_MAX_SECONDS = 3600
    settings.NOTIFY_RETRY_HOURS = 48
    settings.DEFAULT_FROM_EMAIL = "Servizi <noreply@servizi.invalid>"
    messages = _queue(django_capture_on_commit_callbacks)
    start = messages[0].queued_at
    run_worker()  # the server is down: the first attempts fail

    # Six hours of outage (the old defaults gave up after about 15 minutes): the worker runs its
    # deferred retries and cron runs the sweeper, again and again.
    for minutes in (1, 3, 7, 15, 16, 31, 60, 120, 240, 360):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            run_worker()
            _sweep()
    attempts = {m.pk: m.attempts for m in OutboxMessage.objects.all()}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"queued"}
    assert min(attempts.values()) >= 6  # it kept trying beyond the old five attempts
    assert smtp_sink.envelopes == []

    smtp_sink.start()
    with time_machine.travel(start + timedelta(hours=7, minutes=1)):
        out = _sweep()
        run_worker()  # the retries still enqueued find the messages sent
        _sweep()

    assert "sent 3" in out
    statuses = dict(OutboxMessage.objects.values_list("recipient", "status"))
    assert statuses == dict.fromkeys(RECIPIENTS, "sent")
    assert sorted(e.rcpt_tos[0] for e in smtp_sink.envelopes) == sorted(RECIPIENTS)
    expected_ids = {m.recipient: f"<{m.public_id}@servizi.invalid>" for m in messages}
    got_ids = {mail["To"]: mail["Message-ID"] for mail in smtp_sink.messages}
    assert got_ids == expected_ids


def test_a_send_whose_commit_is_lost_is_repeated_with_the_same_message_id(
    smtp_server, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    (message,) = _queue(django_capture_on_commit_callbacks, n=1)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=0)
    real_mark_sent = delivery._mark_sent
    calls = []

    def dies_after_the_smtp_answer(msg):
        calls.append(msg.pk)
        if len(calls) == 1:
            # The worker is killed between the server's "250 OK" and the commit.
            raise OperationalError("server closed the connection unexpectedly")
        real_mark_sent(msg)

    monkeypatch.setattr(delivery, "_mark_sent", dies_after_the_smtp_answer)

    with caplog.at_level(logging.ERROR, logger="scarpette.notifications"):
        first = _sweep()
    assert "broken off 1" in first
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.QUEUED, 0)
    assert str(message.pk) in caplog.text and RECIPIENTS[0] not in caplog.text

    assert "sent 1" in _sweep()
    assert "sent 0" in _sweep()
    mails = smtp_server.messages
    assert len(mails) == 2  # at least once: the repeat happened…
    # …and is recognisable: the same Message-ID, derived from the row.
    assert mails[0]["Message-ID"] == mails[1]["Message-ID"] == message_id_for(message)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def _claimed_by_a_dead_worker(message: OutboxMessage) -> DBTaskResult:
    """The state db_worker leaves when it is killed after claiming the task: RUNNING, for ever."""
    task_result = DBTaskResult.objects.get(args_kwargs__args=[message.pk])
    task_result.claim("dead-worker")
    return task_result


def test_a_task_left_running_by_a_dead_worker_is_reclaimed_and_its_message_sent(
    smtp_server, settings, django_capture_on_commit_callbacks, caplog
):
    settings.TASKS_STALE_MINUTES = 15
    (message,) = _queue(django_capture_on_commit_callbacks, n=1)
    task_result = _claimed_by_a_dead_worker(message)

    stale = task_result.started_at + timedelta(minutes=16)
    with (
        time_machine.travel(stale),
        caplog.at_level(logging.WARNING, logger="scarpette.notifications"),
    ):
        out = _sweep()

    assert "stale tasks reclaimed 1" in out and "sent 1" in out
    task_result.refresh_from_db()
    assert task_result.status == "FAILED"
    assert task_result.exception_class_path.endswith("WorkerLost")
    assert str(task_result.id) in caplog.text and RECIPIENTS[0] not in caplog.text
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(smtp_server.envelopes) == 1
    assert "stale tasks reclaimed 0" in _sweep()


def test_a_recent_running_task_is_left_alone_but_its_message_is_still_sent(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS_STALE_MINUTES = 15
    (message,) = _queue(django_capture_on_commit_callbacks, n=1)
    task_result = _claimed_by_a_dead_worker(message)

    with time_machine.travel(task_result.started_at + timedelta(minutes=5)):
        out = _sweep()

    assert "stale tasks reclaimed 0" in out and "sent 1" in out
    task_result.refresh_from_db()
    assert task_result.status == "RUNNING"
    assert len(smtp_server.envelopes) == 1


def test_after_the_retry_period_a_message_fails_and_requeue_delivers_it(
    smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_RETRY_HOURS = 2
    (message,) = _queue(django_capture_on_commit_callbacks, n=1)
    with time_machine.travel(message.queued_at + timedelta(hours=2, minutes=1)):
        assert "failed 1" in _sweep()
        smtp_sink.start()
        out = StringIO()
        call_command("requeue_failed_mail", stdout=out)
        assert "re-queued: 1" in out.getvalue()
        assert "sent 1" in _sweep()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m["Message-ID"] for m in smtp_sink.messages] == [message_id_for(message)]
