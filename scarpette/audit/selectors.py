"""Reading the audit log: only a referent, only her centre's events."""

from __future__ import annotations

from django.db.models import QuerySet

from scarpette.accounts.permissions import Perm, active_membership, require
from scarpette.audit.models import AuditEvent


def audit_events_for_centre(*, user, object_id: str | None = None) -> QuerySet[AuditEvent]:
    """Events that touched the referent's centre (optionally one percorso), newest first.

    Permission: centre.audit_view. Uses the (organisation_id, -id) index; callers paginate.
    """
    require(user, Perm.CENTRE_AUDIT_VIEW)
    membership = active_membership(user)
    qs = AuditEvent.objects.filter(organisation_id=membership.organisation_id)
    if object_id is not None:
        qs = qs.filter(object_type="cases.case", object_id=object_id)
    return qs.order_by("-id")
