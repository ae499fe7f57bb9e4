"""Writing to the audit log. Callers are services (inside their own transaction) and selectors."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from scarpette.audit.actions import check
from scarpette.audit.models import AuditEvent
from scarpette.audit.sealing import seal_after_commit
from scarpette.core import request_context


def _allocate_ids(count: int) -> list[int]:
    """Event ids, taken without a lock: from the table's sequence on PostgreSQL (ids are then
    committed in any order, and a rolled-back transaction leaves a gap: the sealer handles both);
    on SQLite every write transaction holds the database (BEGIN IMMEDIATE), so the next ids are
    the free ones above the largest."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id')) "
                "FROM generate_series(1, %s)",
                [count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def append_events(rows: list[AuditEvent]) -> list[AuditEvent]:
    """Insert events built by the caller (audit_log, audit_log_many, benchmark data) in the caller's
    transaction, each with its id and keyed MAC; takes no lock; sealed after the commit."""
    with transaction.atomic(savepoint=False):
        for event, event_id in zip(rows, _allocate_ids(len(rows)), strict=True):
            event.id = event_id
            event.prev_hash = ""
            event.hash = event.compute_hash()
        if len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(rows, batch_size=1000)
        if not any(hook[1] is seal_after_commit for hook in connection.run_on_commit):
            transaction.on_commit(seal_after_commit)
    return rows


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
    """Append one event.

    Runs in the caller's transaction (or its own), so an event is written if and only if the change
    it describes is committed; it takes no lock, and is sealed into the chain after the commit.
    `detail` holds identifiers and field names only, never content.
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
    event = AuditEvent(
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
    )
    return append_events([event])[0]


def audit_log_many(*, actor, action: str, events: list[dict]) -> list[AuditEvent]:
    """Append many events of one action with one insert.

    For batch jobs (re-screening): each item of `events` holds `object_type`, `object_id`,
    `organisation_id` and `detail`. Like `audit_log` it runs in the caller's transaction, so the
    events are written if and only if the changes they describe are, and it takes no lock.
    """
    check(action)
    if not events:
        return []
    info = request_context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = actor.email if actor is not None and actor.is_authenticated else ""
    now = timezone.now()
    rows = [
        AuditEvent(
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
        )
        for item in events
    ]
    return append_events(rows)


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
