"""Neutral e-mail notifications through the outbox.

`notify` is called by other apps' services inside their own transaction: the messages are written
with the change they announce (or not at all, on rollback) and their delivery is enqueued only after
commit. What the e-mails may say is fixed by security.md ("Safety of the women"): that there is
something new and a link, never a name, a code that reveals the centre, or a word about violence.
So the templates take a link and nothing else, and a guard refuses any text with a forbidden word.
The e-mails are always Italian: they go to Italian offices' mailboxes, not to a user's session.
"""

from __future__ import annotations

import re
from functools import partial

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from scarpette.accounts.permissions import Perm, require
from scarpette.audit.services import audit_log
from scarpette.core.locking import lock
from scarpette.notifications.delivery import enqueue_delivery
from scarpette.notifications.models import OutboxMessage

TEMPLATES = (
    "new_transmission",  # to the INPS mailbox: a transmission arrived
    "inps_reply",  # to a centre's referent: INPS answered
    "centre_reply",  # to the INPS mailbox: a centre answered a request for information
    "consultation_new",  # to the INPS mailbox: a new consultation question
    "consultation_answer",  # to a centre: the consultation was answered
    "deadline_reminder",  # to an operator: a deadline is near
)
# The only context a template receives: anything else could carry a name into an e-mail.
ALLOWED_CONTEXT = frozenset({"link"})
# Fragments that must never appear in a subject or body (case-insensitive), security.md.
FORBIDDEN_FRAGMENTS = ("violen", "antiviolenza", "scarpette", "maltratt", "vittim", "rifugio")

_validate_email = EmailValidator()


def absolute_link(path: str) -> str:
    """The absolute URL of a path of this site, for the `link` of a notification (SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def check_neutral(text: str) -> None:
    """Raise ValueError when `text` contains a forbidden fragment. The fragment is named, the text
    is not (it could be anything a caller passed)."""
    folded = text.casefold()
    for fragment in FORBIDDEN_FRAGMENTS:
        if fragment in folded:
            raise ValueError(f"notification text contains a forbidden word ({fragment!r})")


def render(template: str, context: dict | None = None) -> tuple[str, str]:
    """The subject (one line) and body of `template`, in Italian, checked by the guard."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown notification template {template!r}")
    context = dict(context or {})
    extra = set(context) - ALLOWED_CONTEXT
    if extra:
        raise ValueError(f"notification context may hold only {sorted(ALLOWED_CONTEXT)}")
    link = context.get("link", "")
    if not isinstance(link, str) or not re.match(r"^https?://\S+$", link):
        raise ValueError("notification link must be an absolute http(s) URL")
    with translation.override("it"):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    subject = " ".join(subject.split())
    body = body.strip() + "\n"
    check_neutral(subject)
    check_neutral(body)
    return subject, body


def _recipients(to: str | list[str] | tuple[str, ...]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    seen: dict[str, str] = {}
    for address in addresses:
        address = BaseUserManager.normalize_email((address or "").strip())
        try:
            _validate_email(address)
        except ValidationError as exc:
            raise ValueError("notification recipient is not a valid e-mail address") from exc
        seen.setdefault(address.casefold(), address)
    return list(seen.values())


def notify(
    *, key: str, to: str | list[str], template: str, context: dict | None = None
) -> list[OutboxMessage]:
    """Queue `template` for each recipient of `to`, one message per recipient, and deliver after
    commit.

    Must run inside the caller's transaction (RuntimeError otherwise), so that a rolled-back change
    announces nothing. Idempotent on (key, recipient): a repeated call returns the existing messages
    and creates and sends nothing new. Raises ValueError for an unknown template, a context other
    than an absolute `link`, an invalid address or a text with a forbidden word. No permission is
    checked here: the calling service has checked its own.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() must be called inside the caller's transaction")
    if not key or len(key) > 200:
        raise ValueError("notification key must be 1 to 200 characters")
    subject, body = render(template, context)
    messages = []
    for recipient in _recipients(to):
        message, created = OutboxMessage.objects.get_or_create(
            key=key,
            recipient=recipient,
            defaults={"template": template, "subject": subject, "body": body},
        )
        messages.append(message)
        if created:
            # robust: a failure to enqueue must not break the caller's committed change; the
            # message stays queued and the sweeper (send_pending_mail) delivers it.
            transaction.on_commit(partial(enqueue_delivery, message.pk), robust=True)
    return messages


def _requeue(message: OutboxMessage, now) -> int:
    """Put one failed message back in the queue with a fresh retry period; returns the attempts it
    had made. Its delivery is enqueued after commit (the sweeper delivers it otherwise)."""
    previous_attempts = message.attempts
    message.status = OutboxMessage.Status.QUEUED
    message.attempts = 0
    message.queued_at = now
    message.next_attempt_at = now
    message.save(update_fields=["status", "attempts", "queued_at", "next_attempt_at"])
    transaction.on_commit(partial(enqueue_delivery, message.pk), robust=True)
    return previous_attempts


@transaction.atomic
def outbox_message_requeue(*, actor, public_id) -> bool:
    """Re-queue one failed message (permission `platform.notifications_manage`).

    Idempotent: a message that is not failed (already re-queued, sent) is left alone and False is
    returned; no audit event then. Otherwise the message gets a new retry period of
    NOTIFY_RETRY_HOURS, its delivery is enqueued after commit, and `notifications.message.requeued`
    is audited in the same transaction. Raises OutboxMessage.DoesNotExist for an unknown id."""
    require(actor, Perm.NOTIFICATIONS_MANAGE)
    message = lock(OutboxMessage.objects.filter(public_id=public_id)).get()
    if message.status != OutboxMessage.Status.FAILED:
        return False
    previous_attempts = _requeue(message, timezone.now())
    audit_log(
        actor=actor,
        action="notifications.message.requeued",
        obj=message,
        detail={"attempts": previous_attempts},
    )
    return True


@transaction.atomic
def outbox_failed_requeue(*, actor=None, dry_run: bool = False, actor_label: str = "") -> int:
    """Re-queue every failed message; returns how many (with `dry_run`, how many would be).

    With an `actor`, permission `platform.notifications_manage` is required; without one (the
    `requeue_failed_mail` command, run by whoever operates the server) `actor_label` names the
    caller in the audit event. Idempotent: a second call finds nothing failed and writes nothing.
    One audit event `notifications.outbox.requeued` with the count, in the same transaction."""
    if actor is not None:
        require(actor, Perm.NOTIFICATIONS_MANAGE)
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).order_by("pk")
    if dry_run:
        return failed.count()
    now = timezone.now()
    count = 0
    for message in lock(failed):
        _requeue(message, now)
        count += 1
    if count:
        audit_log(
            actor=actor,
            action="notifications.outbox.requeued",
            object_type="notifications.outboxmessage",
            detail={"count": count},
            actor_label=actor_label,
        )
    return count
