"""Retention: closed percorsi are anonymised RETENTION_MONTHS after closure (security.md).

Identity (with its blind index), notes, questionnaire answers and every free text are erased; the
pseudonymous code, dates, statuses, consents (purpose and dates), screening statuses per measure,
needs and application outcomes stay for statistics. The audit log is not touched: it holds no
content and is kept at least 24 months.

Each later app erases its own rows through its `anonymise` contribution (cases.contributions):
those apps build on cases, not the other way round.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scarpette.audit.services import audit_log
from scarpette.cases import contributions
from scarpette.cases.models import Case, CaseIdentity, CaseNote
from scarpette.core.locking import lock

PURGE_ACTOR = "retention_purge"


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (civil code art. 2963: a period of
    months ends on the corresponding day; 31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_expired_closure(today: date, months: int) -> date:
    """The latest closure date whose retention period has fully run by `today`: the period ends
    with the day `add_months(closed_on, months)`, so the percorso goes the day after."""
    # add_months is monotone but not invertible (clamping): start near the answer and adjust.
    candidate = add_months(today, -months)
    while add_months(candidate + timedelta(days=1), months) < today:
        candidate += timedelta(days=1)
    while add_months(candidate, months) >= today:
        candidate -= timedelta(days=1)
    return candidate


def expired_cases(*, today: date | None = None, months: int | None = None):
    """Closed, not yet anonymised percorsi whose retention period has run (all centres)."""
    today = today or timezone.localdate()
    months = settings.RETENTION_MONTHS if months is None else months
    return Case.objects.filter(
        status=Case.Status.CLOSED,
        anonymised_at__isnull=True,
        closed_on__lte=last_expired_closure(today, months),
    )


@dataclass
class PurgeReport:
    cutoff: date
    anonymised: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _anonymise(case: Case) -> dict[str, int]:
    counts = {
        "identities": CaseIdentity.objects.filter(case=case).delete()[0],
        "notes": CaseNote.objects.filter(case=case).delete()[0],
    }
    # Each later app erases its own rows (cases.contributions).
    for contributor in contributions.contributors():
        if contributor.anonymise is not None:
            counts.update(contributor.anonymise(case=case))
    case.anonymised_at = timezone.now()
    case.save(update_fields=["anonymised_at", "updated_at"])
    return counts


def retention_purge(
    *, today: date | None = None, batch_size: int = 100, dry_run: bool = False
) -> PurgeReport:
    """Anonymise every expired percorso, `batch_size` per transaction; idempotent.

    System operation, run by the operator or cron (no user, no permission to check). Each
    percorso gets a `cases.case.anonymised` audit event (on its centre, so the referent sees it)
    and the run a `cases.retention.purged` summary; a dry run changes and logs nothing.
    """
    today = today or timezone.localdate()
    report = PurgeReport(cutoff=last_expired_closure(today, settings.RETENTION_MONTHS))
    if dry_run:
        report.anonymised = expired_cases(today=today).count()
        return report
    while True:
        with transaction.atomic():
            # Locked and re-filtered: two purges at once anonymise each percorso once.
            batch = list(lock(expired_cases(today=today)).order_by("id")[:batch_size])
            for case in batch:
                counts = _anonymise(case)
                for kind, n in counts.items():
                    report.rows[kind] = report.rows.get(kind, 0) + n
                audit_log(
                    actor=None,
                    actor_label=PURGE_ACTOR,
                    action="cases.case.anonymised",
                    obj=case,
                    organisation_id=case.centre_id,
                    detail={"closed_on": case.closed_on.isoformat()},
                )
            report.anonymised += len(batch)
        if len(batch) < batch_size:
            break
    audit_log(
        actor=None,
        actor_label=PURGE_ACTOR,
        action="cases.retention.purged",
        detail={
            "anonymised": report.anonymised,
            "cutoff": report.cutoff.isoformat(),
            "months": settings.RETENTION_MONTHS,
        },
    )
    return report
