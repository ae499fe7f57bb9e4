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


# How far an event's id may stray from the order of its `at` (far longer than any transaction).
ID_SLACK = dt.timedelta(hours=1)


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
    period becomes bounds on the id as well as on `at`. Ids follow time only roughly (events of
    concurrent transactions may take their ids in another order than their `at`), so each bound
    is taken ID_SLACK wider (one probe of the `at` index, inside the same query as a scalar
    subquery): a superset of the period as an id range on those indexes, and the exact filter on
    `at` keeps the result exact. No COUNT.
    """
    qs = audit_events_for_centre(organisation_id=organisation_id, object_id=object_id)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    actions = list(actions)
    if actions:
        qs = qs.filter(action__in=actions)
    if since is not None:
        start = _day_start(since)
        first = AuditEvent.objects.filter(at__gte=start - ID_SLACK).order_by("at").values("id")[:1]
        qs = qs.filter(at__gte=start, id__gte=Subquery(first))
    if until is not None:
        end = _day_start(until + dt.timedelta(days=1))
        last = AuditEvent.objects.filter(at__lt=end + ID_SLACK).order_by("-at").values("id")[:1]
        qs = qs.filter(at__lt=end, id__lte=Subquery(last))
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return qs
