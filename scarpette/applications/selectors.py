"""Reads of applications and deadlines. Everything is scoped through Case.objects.visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scarpette.applications.models import Application, Deadline
from scarpette.cases.access import get_visible_or_404
from scarpette.cases.models import Case
from scarpette.questionnaire.selectors import latest_run
from scarpette.screening.catalogue import measure_name

STARTABLE_STATUSES = ("eligible", "undetermined")


def application_list_for_case(*, case: Case) -> list[Application]:
    """The percorso's applications, in the order they were started (caller has scoped the case)."""
    return list(case.applications.order_by("created_at", "id"))


def application_get_for_user(*, user, public_id) -> Application:
    """One application if its percorso is visible to the user, else 404 (also for "not yours").

    Audits the read; an attempt on another centre's application is audited as denied.
    """
    return get_visible_or_404(
        Application.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case", "case__centre"
        ),
        user=user,
        public_id=public_id,
        object_type="applications.application",
        read_action="applications.application.viewed",
    )


@dataclass(frozen=True)
class MeasureChoice:
    measure: str
    name: str
    status: str  # the screening status: eligible | undetermined


def startable_measures(*, case: Case) -> list[MeasureChoice]:
    """Measures of the latest screening, eligible or undetermined, without an application yet."""
    run = latest_run(case=case)
    if run is None:
        return []
    started = set(case.applications.values_list("measure", flat=True))
    return [
        MeasureChoice(r["measure"], measure_name(r["measure"]), r["status"])
        for r in run.results
        if r.get("status") in STARTABLE_STATUSES and r.get("measure") not in started
    ]


def application_documents(*, application: Application) -> list[str]:
    """The documents the latest screening lists for the application's measure (may be empty)."""
    run = latest_run(case=application.case)
    if run is None:
        return []
    for result in run.results:
        if result.get("measure") == application.measure:
            return list(result.get("documents") or [])
    return []


@dataclass(frozen=True)
class DeadlineRow:
    measure: str
    name: str
    kind_label: str
    due_on: date
    days_left: int
    legal_basis: str


def deadlines_for_case(*, case: Case, today: date) -> list[DeadlineRow]:
    """The percorso's deadlines with the days left (negative once passed), soonest first."""
    return [
        DeadlineRow(
            d.measure,
            measure_name(d.measure),
            d.get_kind_display(),
            d.due_on,
            (d.due_on - today).days,
            d.legal_basis,
        )
        for d in Deadline.objects.filter(case=case).order_by("due_on", "id")
    ]


def glance_for_case(case: Case) -> list[tuple[str, str, str]]:
    """(measure name, status label, status value) per application, for the percorso page.

    The caller has already scoped the percorso (e.g. with cases.selectors.case_get_for_user).
    """
    return [
        (measure_name(a.measure), a.get_status_display(), a.status)
        for a in case.applications.order_by("created_at", "id")
    ]


# Statuses after which an "apply by" deadline is met (the application is in).
FILED_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.DECIDED,
    Application.Status.PAID,
)


def deadline_unmet():
    """A deadline not met yet: for "apply by", no application for that measure is filed."""
    from django.db.models import Exists, OuterRef, Q

    filed = Application.objects.filter(
        case_id=OuterRef("case_id"), measure=OuterRef("measure"), status__in=FILED_STATUSES
    )
    return ~Q(kind=Deadline.Kind.APPLY_BY) | ~Exists(filed)


def deadlines_due_for_user(*, user, today: date, horizon_days: int, limit: int) -> list[Deadline]:
    """Her centre's open percorsi's legal deadlines that are past or within `horizon_days` and not
    met, soonest (or longest overdue) first. One query on the `deadline_due` index, at most `limit`
    rows. Permission: case.view through Case.objects.visible_to (else empty)."""
    from datetime import timedelta

    return list(
        Deadline.objects.filter(
            case__in=Case.objects.visible_to(user).filter(status=Case.Status.OPEN),
            due_on__lte=today + timedelta(days=horizon_days),
        )
        .filter(deadline_unmet())
        .select_related("case")
        .order_by("due_on", "id")[:limit]
    )
