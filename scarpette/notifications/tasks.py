"""Background tasks (Django's task API). Enqueued after commit by services.notify."""

from __future__ import annotations

from django_tasks import task

from scarpette.notifications.delivery import deliver_message


@task()
def deliver(message_id: int) -> str:
    """Send one outbox message if it is still queued (exactly once; see delivery.py)."""
    return deliver_message(message_id)
