"""The applications' column of the percorsi list (cases.listing): the next legal deadline not yet
met, in words ("scade tra 3 giorni (5 dicembre 2026)", "scaduta da 2 giorni (…)"), with a filter
(within 7 days, within 30 days, past)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from scarpette.applications.models import Deadline
from scarpette.applications.selectors import deadline_unmet
from scarpette.cases import listing
from scarpette.core.timewords import due_words
from scarpette.screening.catalogue import measure_name

WITHIN_7, WITHIN_30, PAST = "7", "30", "past"
CHOICES = [
    (WITHIN_7, _("Entro 7 giorni")),
    (WITHIN_30, _("Entro 30 giorni")),
    (PAST, _("Scaduta")),
]


def annotate(qs):
    """The soonest deadline not met (past ones included: a past one not met still waits) and its
    measure, two subqueries on the percorso's deadlines (`deadline_case_measure_kind` index)."""
    soonest = (
        Deadline.objects.filter(case=OuterRef("pk"))
        .filter(deadline_unmet())
        .order_by("due_on", "id")
    )
    return qs.annotate(
        next_due_on=Subquery(soonest.values("due_on")[:1]),
        next_due_measure=Subquery(soonest.values("measure")[:1]),
    )


def cell(case, today) -> listing.Cell:
    if case.next_due_on is None:
        return listing.Cell("—")
    words = due_words(case.next_due_on, today)
    return listing.Cell(
        f"{measure_name(case.next_due_measure)}: {words}", late=case.next_due_on < today
    )


def apply_filter(qs, value: str, today):
    """On the deadline the row shows (the soonest not met): "past" when it has passed, "within
    N days" when it falls between today and today + N."""
    if value == PAST:
        start, end = None, today - timedelta(days=1)
    else:
        start, end = today, today + timedelta(days=7 if value == WITHIN_7 else 30)
    # A necessary condition first, on the `deadline_due` index: PostgreSQL can answer it as one
    # semi-join over the few deadlines in the window, instead of computing the next deadline of
    # every percorso of the centre.
    window = Deadline.objects.filter(case=OuterRef("pk"), due_on__lte=end).filter(deadline_unmet())
    if start is not None:
        window = window.filter(due_on__gte=start)
    qs = qs.filter(Exists(window))
    if start is None:
        return qs.filter(next_due_on__lte=end)
    return qs.filter(next_due_on__gte=start, next_due_on__lte=end)


def register() -> None:
    listing.register(
        listing.ListColumn(
            key="scadenza",
            order=30,
            header=_("Prossima scadenza"),
            annotate=annotate,
            cell=cell,
            filter_label=_("Scadenza"),
            filter_choices=CHOICES,
            apply_filter=apply_filter,
        )
    )
