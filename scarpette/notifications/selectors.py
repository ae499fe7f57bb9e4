"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import QuerySet

from scarpette.notifications.models import OutboxMessage


def outbox_list_for_demo() -> QuerySet[OutboxMessage]:
    """Every outbox message, newest first. Only the demo's mail viewer calls it (the view refuses
    outside demo mode): it shows every recipient's mail, which no real role may read."""
    return OutboxMessage.objects.order_by("-created_at", "-pk")
