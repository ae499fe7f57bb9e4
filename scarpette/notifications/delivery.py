"""Sending outbox messages: the body of the `deliver` task and of the `send_pending_mail` sweeper.

At least once, de-duplicable. Each attempt locks the message's row for its whole transaction and
sends only a message still queued, so two workers (or a worker and the sweeper) never both send it
(on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`: the second one skips the row; SQLite has no row
locks, so there run one worker, or the sweeper alone). But the SMTP server's "250 OK" and our
commit are two systems: a worker that dies between them leaves the message queued, and it is sent
again. Every attempt therefore carries the same Message-ID, derived from the row
(`<public_id@sender's domain>`), so a receiving server or a person recognises the repeat.

Failures are retried with a doubling back-off capped at NOTIFY_RETRY_MAX_SECONDS, for
NOTIFY_RETRY_HOURS from when the message was queued; only then is it marked failed, and the
administrator sees it (and may re-queue it) at /notifiche/.

Logs name the message by its public id, never by its recipient or content.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from scarpette.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"  # already sent or failed: nothing to do (no second send from a second task)
BUSY = "busy"  # another worker holds the row, or it no longer exists
ERROR = "error"  # the attempt broke off before its outcome was stored; the message stays queued


def retry_delay_seconds(attempts: int) -> int:
    """Back-off after the `attempts`-th failure: 1, 2, 4, 8… times NOTIFY_RETRY_SECONDS, never more
    than NOTIFY_RETRY_MAX_SECONDS."""
    # The exponent is bounded so that a long outage does not compute a huge power of two.
    delay = settings.NOTIFY_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 32)
    return max(min(delay, settings.NOTIFY_RETRY_MAX_SECONDS), 1)


def message_id_for(message: OutboxMessage) -> str:
    """The message's Message-ID, the same on every attempt: `<public_id@domain>`, the domain being
    the sender's (DEFAULT_FROM_EMAIL), so a repeat after a lost commit can be recognised."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "localhost"
    return f"<{message.public_id}@{domain}>"


def _locked(message_id: int) -> OutboxMessage | None:
    rows = OutboxMessage.objects.filter(pk=message_id)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    elif connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.first()


def _short_error(exc: Exception) -> str:
    # The class and the SMTP code, never the server's text: it may quote the recipient address.
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(reply[0]) for reply in exc.recipients.values()})
        code = ",".join(codes) or None
    return f"{type(exc).__name__} {code}".strip() if code else type(exc).__name__


def deliver_message(message_id: int) -> str:
    """Send one outbox message if it is still queued; record the outcome.

    Every attempt carries the message's stable Message-ID. On a failure the attempt is counted, a
    short error kept (class and SMTP code, never the server's text), the failure logged without
    the address, and the next attempt set with the capped back-off (re-enqueued after commit when
    the task backend can defer; the sweeper otherwise); once NOTIFY_RETRY_HOURS have passed since
    the message was queued it is marked failed instead. Returns one of SENT, RETRY, FAILED,
    SKIPPED, BUSY.
    """
    with transaction.atomic():
        message = _locked(message_id)
        if message is None:
            return BUSY
        if message.status != OutboxMessage.Status.QUEUED:
            return SKIPPED
        message.attempts += 1
        try:
            EmailMessage(
                message.subject,
                message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient],  # one recipient per message: no one sees another address
                headers={"Message-ID": message_id_for(message)},
            ).send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 (any failure is retried, then reported)
            return _record_failure(message, exc)
        _mark_sent(message)
    logger.info("notification %s sent (attempt %d)", message.public_id, message.attempts)
    return SENT


def _mark_sent(message: OutboxMessage) -> None:
    message.status = OutboxMessage.Status.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "attempts", "last_error"])


def retry_deadline(message: OutboxMessage):
    """Until when a failing message is retried: NOTIFY_RETRY_HOURS after it was queued."""
    return message.queued_at + timedelta(hours=settings.NOTIFY_RETRY_HOURS)


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    message.last_error = _short_error(exc)[:200]
    if timezone.now() >= retry_deadline(message):
        message.status = OutboxMessage.Status.FAILED
        outcome = FAILED
        logger.error(
            "notification %s failed after %d attempts in %d hours: %s",
            message.public_id,
            message.attempts,
            settings.NOTIFY_RETRY_HOURS,
            message.last_error,
        )
    else:
        message.next_attempt_at = timezone.now() + timedelta(
            seconds=retry_delay_seconds(message.attempts)
        )
        outcome = RETRY
        logger.warning(
            "notification %s not sent (attempt %d, next at %s): %s",
            message.public_id,
            message.attempts,
            message.next_attempt_at.isoformat(),
            message.last_error,
        )
        transaction.on_commit(
            partial(schedule_retry, message.pk, message.next_attempt_at), robust=True
        )
    message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    return outcome


def enqueue_delivery(message_id: int, run_after=None) -> None:
    """Enqueue the `deliver` task for a message (called after commit)."""
    from scarpette.notifications.tasks import deliver

    (deliver.using(run_after=run_after) if run_after is not None else deliver).enqueue(message_id)


def schedule_retry(message_id: int, when) -> None:
    """Enqueue the next delivery at `when` if the task backend can defer tasks (the database
    backend does); otherwise the sweeper picks the message up once `next_attempt_at` has passed."""
    from scarpette.notifications.tasks import deliver

    if deliver.get_backend().supports_defer:
        enqueue_delivery(message_id, run_after=when)


def send_due(*, batch_size: int = 100) -> Counter:
    """Deliver every queued message whose next attempt is due, in batches of `batch_size`, each
    message at most once per run, whatever the state of its task (lost, failed, left RUNNING by a
    dead worker). An attempt that breaks off (the database went away after the send) is logged
    and counted as ERROR, and the run goes on: the message stays queued for the next run.
    Returns how many ended in each outcome."""
    outcomes: Counter = Counter()
    last_pk = 0
    while True:
        batch = list(
            OutboxMessage.objects.filter(
                status=OutboxMessage.Status.QUEUED,
                next_attempt_at__lte=timezone.now(),
                pk__gt=last_pk,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return outcomes
        for message_id in batch:
            try:
                outcomes[deliver_message(message_id)] += 1
            except Exception as exc:  # noqa: BLE001 (one broken attempt must not stop the run)
                logger.error(
                    "notification %s: attempt broke off (%s); it stays queued",
                    message_id,
                    type(exc).__name__,
                )
                outcomes[ERROR] += 1
        last_pk = batch[-1]


def reclaim_stale_tasks() -> int:
    """Mark failed every task left RUNNING for more than TASKS_STALE_MINUTES (its worker died: the
    database worker claims a task in one transaction and runs it in another, so a killed worker
    leaves its row RUNNING for ever). The outbox message a dead `deliver` task carried is still
    queued (its attempt's transaction was rolled back with the connection) and `send_due` sends it.
    Returns how many tasks were reclaimed; each is logged by its task id and name only."""
    cutoff = timezone.now() - timedelta(minutes=settings.TASKS_STALE_MINUTES)
    reclaimed = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).order_by("started_at")
        if connection.features.has_select_for_update_skip_locked:
            stale = stale.select_for_update(skip_locked=True)
        for task_result in stale:
            task_result.set_failed(
                WorkerLost(f"RUNNING since {task_result.started_at.isoformat()}")
            )
            logger.warning(
                "task %s (%s) left running by a dead worker: marked failed",
                task_result.id,
                task_result.task_path,
            )
            reclaimed += 1
    return reclaimed


class WorkerLost(Exception):
    """The worker running a task stopped without recording its outcome."""
