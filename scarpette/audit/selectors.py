"""Reading the audit log: one centre's events (the view checks who may read them)."""

from __future__ import annotations

from django.db.models import QuerySet

from scarpette.audit.models import AuditEvent


def audit_events_for_centre(
    *, organisation_id: int, object_id: str | None = None
) -> QuerySet[AuditEvent]:
    """Events that touched one centre (optionally one percorso), newest first.

    Scoping only: the views hold centre.audit_view. Uses the (organisation_id, -id) index;
    callers paginate.
    """
    qs = AuditEvent.objects.filter(organisation_id=organisation_id)
    if object_id is not None:
        qs = qs.filter(object_type="cases.case", object_id=object_id)
    return qs.order_by("-id")
