"""Reading the audit log: one centre's events (the view checks who may read them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet, Subquery
from django.utils import timezone

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


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events_filtered(
    *,
    organisation_id: int,
    actor_id: int | None = None,
    actions: Iterable[str] = (),
    object_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    before_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """One centre's events filtered by person, action, percorso and period (days in local time,
    both included), newest first, optionally only those older than `before_id` (keyset pages).

    Built for tens of millions of rows: every filter rides an index led by organisation_id
    (audit_org_recent, audit_org_actor_recent, audit_org_action_recent) or the object index; the
    period becomes bounds on the id as well as on `at`: ids grow with time (both are set under the
    chain head's lock), so one probe of the `at` index per bound, run inside the same query as a
    scalar subquery, turns a date range into an id range on those indexes. No COUNT.
    """
    qs = audit_events_for_centre(organisation_id=organisation_id, object_id=object_id)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    actions = list(actions)
    if actions:
        qs = qs.filter(action__in=actions)
    if since is not None:
        start = _day_start(since)
        first = AuditEvent.objects.filter(at__gte=start).order_by("at", "id").values("id")[:1]
        qs = qs.filter(at__gte=start, id__gte=Subquery(first))
    if until is not None:
        end = _day_start(until + dt.timedelta(days=1))
        last = AuditEvent.objects.filter(at__lt=end).order_by("-at", "-id").values("id")[:1]
        qs = qs.filter(at__lt=end, id__lte=Subquery(last))
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return qs
