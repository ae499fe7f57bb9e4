"""Sending outbox messages: the body of the `deliver` task and of the `send_pending_mail` sweeper.

Exactly once: each attempt locks the message's row for its whole transaction and sends only a
message still queued, so two workers (or a worker and the sweeper) never both send it. On
PostgreSQL the lock is `SELECT … FOR UPDATE SKIP LOCKED` (the second one skips the row); SQLite
has no row locks, so there run one worker, or the sweeper alone.

Logs name the message by its public id, never by its recipient or content.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from scarpette.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"  # already sent or failed: nothing to do (this is what makes it exactly once)
BUSY = "busy"  # another worker holds the row, or it no longer exists


def retry_delay_seconds(attempts: int) -> int:
    """Back-off after the `attempts`-th failure: 1, 2, 4, 8… times NOTIFY_RETRY_SECONDS."""
    return settings.NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)


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

    On a failure the attempt is counted, a short error kept, and the next attempt set with a
    doubling back-off (re-enqueued after commit when the task backend can defer; the sweeper
    otherwise); after NOTIFY_MAX_ATTEMPTS the message is marked failed. Returns one of SENT, RETRY,
    FAILED, SKIPPED, BUSY.
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
            ).send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 (any failure is retried, then reported)
            return _record_failure(message, exc)
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    logger.info("notification %s sent (attempt %d)", message.public_id, message.attempts)
    return SENT


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    message.last_error = _short_error(exc)[:200]
    if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.FAILED
        outcome = FAILED
        logger.error(
            "notification %s failed for good after %d attempts: %s",
            message.public_id,
            message.attempts,
            message.last_error,
        )
    else:
        message.next_attempt_at = timezone.now() + timedelta(
            seconds=retry_delay_seconds(message.attempts)
        )
        outcome = RETRY
        logger.warning(
            "notification %s not sent (attempt %d of %d, next at %s): %s",
            message.public_id,
            message.attempts,
            settings.NOTIFY_MAX_ATTEMPTS,
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
    message at most once per run. Returns how many ended in each outcome."""
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
            outcomes[deliver_message(message_id)] += 1
        last_pk = batch[-1]
