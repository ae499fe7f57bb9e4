"""Writing to the audit log. Callers are services (inside their own transaction) and selectors."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from scarpette.audit.actions import check
from scarpette.audit.models import AuditChainHead, AuditEvent
from scarpette.core import request_context
from scarpette.core.locking import note_audit_head_locked


def audit_log(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    organisation_id: int | None = None,
    outcome: str = AuditEvent.Outcome.OK,
    detail: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    Runs in the caller's transaction (or its own), so an event is written if and only if the change
    it describes is committed. `detail` holds identifiers and field names only, never content.
    """
    check(action)
    info = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor_label or actor.email
        membership = getattr(actor, "membership", None)
        actor_role = membership.role if membership is not None else ""
    else:
        actor_role = ""
    with transaction.atomic():
        # The head is the last lock of every transaction (scarpette.core.locking).
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        note_audit_head_locked()
        event = AuditEvent(
            id=head.last_id + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label[:254],
            actor_role=actor_role,
            action=action,
            outcome=outcome,
            object_type=object_type,
            object_id=object_id[:64],
            organisation_id=organisation_id,
            ip=info.ip,
            user_agent=info.user_agent[:200],
            request_id=info.request_id,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_id=event.id, last_hash=event.hash)
    return event


def audit_log_many(*, actor, action: str, events: list[dict]) -> list[AuditEvent]:
    """Append many events of one action to the chain with one lock and one insert.

    For batch jobs (re-screening): each item of `events` holds `object_type`, `object_id`,
    `organisation_id` and `detail`. Like `audit_log` it runs in the caller's transaction, so the
    events are written if and only if the changes they describe are; the chain head is locked
    only for the time of this call, which the caller should make the last step of a short
    transaction.
    """
    check(action)
    if not events:
        return []
    info = request_context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = actor.email if actor is not None and actor.is_authenticated else ""
    with transaction.atomic():
        # The head is the last lock of every transaction (scarpette.core.locking).
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        note_audit_head_locked()
        now = timezone.now()
        last_id, last_hash = head.last_id, head.last_hash
        rows = []
        for item in events:
            last_id += 1
            event = AuditEvent(
                id=last_id,
                at=now,
                actor_id=actor_id,
                actor_label=actor_label[:254],
                actor_role="",
                action=action,
                outcome=AuditEvent.Outcome.OK,
                object_type=item.get("object_type", ""),
                object_id=str(item.get("object_id", ""))[:64],
                organisation_id=item.get("organisation_id"),
                ip=info.ip,
                user_agent=info.user_agent[:200],
                request_id=info.request_id,
                detail=item.get("detail") or {},
                prev_hash=last_hash,
            )
            event.hash = last_hash = event.compute_hash()
            rows.append(event)
        AuditEvent.objects.bulk_create(rows, batch_size=1000)
        AuditChainHead.objects.filter(pk=1).update(last_id=last_id, last_hash=last_hash)
    return rows


def audit_access_denied(*, actor, object_type: str, object_id: str, organisation_id) -> None:
    """Record an attempt on an object the actor may not see (she is answered 404, as if it did
    not exist; the owning centre's referent sees the attempt in her access log)."""
    audit_log(
        actor=actor,
        action=f"{object_type}.access_denied",
        object_type=object_type,
        object_id=object_id,
        organisation_id=organisation_id,
        outcome=AuditEvent.Outcome.DENIED,
    )
