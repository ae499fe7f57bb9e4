"""Reads of the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.notifications.models import OutboxMessage


def outbox_list_for_demo(*, user) -> QuerySet[OutboxMessage]:
    """The demo's mail viewer (the view refuses outside demo mode), newest first: each user sees
    the mail addressed to her, INPS staff also their office's mailbox, the administrator all."""
    qs = OutboxMessage.objects.order_by("-created_at", "-pk")
    if has_perm(user, Perm.NOTIFICATIONS_MANAGE):
        return qs
    mine = Q(recipient__iexact=user.email)
    if has_perm(user, Perm.INBOX_WORK):
        mine |= Q(recipient__iexact=settings.INPS_MAILBOX)
    return qs.filter(mine)


def _late_cutoff():
    return timezone.now() - timedelta(minutes=settings.NOTIFY_LATE_MINUTES)


def _problems() -> QuerySet[OutboxMessage]:
    # Failed, or queued for longer than NOTIFY_LATE_MINUTES (an outage, a stopped worker).
    return OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.FAILED)
        | Q(status=OutboxMessage.Status.QUEUED, queued_at__lt=_late_cutoff())
    )


def outbox_problems_for_user(*, user) -> QuerySet[OutboxMessage]:
    """Failed and late messages, failed first then oldest first, for the administrator's page.

    Scoped to `platform.notifications_manage` (nothing otherwise; the view declares it). The page shows the
    recipient masked and never the subject or body; no percorso is reachable from a message."""
    if not has_perm(user, Perm.NOTIFICATIONS_MANAGE):
        return OutboxMessage.objects.none()
    return _problems().order_by(
        Case(When(status=OutboxMessage.Status.FAILED, then=0), default=1), "queued_at", "pk"
    )


def outbox_problem_counts_for_user(*, user) -> dict[str, int] | None:
    """{"failed": n, "late": n} for the administrator's dashboard; None for anyone without
    `platform.notifications_manage` (the dashboard then shows nothing)."""
    if not has_perm(user, Perm.NOTIFICATIONS_MANAGE):
        return None
    counts = _problems().aggregate(
        failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
        late=Count("pk", filter=Q(status=OutboxMessage.Status.QUEUED)),
    )
    counts["total"] = counts["failed"] + counts["late"]
    return counts
