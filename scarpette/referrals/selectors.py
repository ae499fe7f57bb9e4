"""Reads on the channel to INPS, scoped: centre staff see their percorsi's, INPS specialists
only what was transmitted (or asked) to their office, and only what travelled."""

from __future__ import annotations

from django.db.models import QuerySet

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.access import get_visible_or_404
from scarpette.questionnaire.selectors import latest_run
from scarpette.referrals.models import Consultation, Transmission
from scarpette.screening.catalogue import CATALOGUE


def inbox_for_user(*, user, status: str = "", mine: bool = False) -> QuerySet[Transmission]:
    """The INPS office's inbox. Permission: inps.inbox_work. Withdrawn transmissions (consent
    revoked) stay listed as bare rows, dates and status only, so INPS knows why one vanished;
    they cannot be opened."""
    if not has_perm(user, Perm.INBOX_WORK):
        return Transmission.objects.none()
    qs = (
        Transmission.objects.visible_to(user) | Transmission.objects.withdrawn_for_office(user)
    ).select_related("assigned_to")
    if status in Transmission.Status.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assigned_to=user)
    return qs.order_by("-sent_at", "-id")


def inbox_counts_for_user(*, user) -> dict[str, int]:
    """Dashboard figures for an INPS specialist, aggregated in the database."""
    from django.db.models import Count

    rows = inbox_for_user(user=user).order_by().values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in Transmission.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["mine_open"] = (
        inbox_for_user(user=user, mine=True).exclude(status=Transmission.Status.CLOSED).count()
    )
    return counts


def transmission_get_for_user(*, user, public_id) -> Transmission:
    return get_visible_or_404(
        Transmission.objects.visible_to(user).select_related("case", "office", "assigned_to"),
        user=user,
        public_id=public_id,
        object_type="referrals.transmission",
        read_action="referrals.transmission.viewed",
    )


def transmissions_for_case(*, case) -> QuerySet[Transmission]:
    return case.transmissions.select_related("office", "assigned_to").prefetch_related(
        "events__actor", "advice"
    )


def consultation_get_for_user(*, user, public_id) -> Consultation:
    return get_visible_or_404(
        Consultation.objects.visible_to(user).select_related("case", "office", "asked_by"),
        user=user,
        public_id=public_id,
        object_type="referrals.consultation",
        read_action="referrals.consultation.viewed",
    )


def consultations_for_user(*, user) -> QuerySet[Consultation]:
    """The consultations a user's side may list; for INPS withdrawn ones stay as bare rows."""
    qs = Consultation.objects.visible_to(user) | Consultation.objects.withdrawn_for_office(user)
    return qs.select_related("asked_by").order_by("-asked_at")


def measure_names() -> dict[str, str]:
    return {m.id: m.name_it for m in CATALOGUE.measures}


def consultation_extract(consultation: Consultation) -> dict:
    """The minimal extract a specialist sees: the measures asked about and the latest facts."""
    run = latest_run(case=consultation.case)
    results = [r for r in (run.results if run else []) if r["measure"] in consultation.measures]
    return {"code": consultation.case.code, "facts": run.facts if run else {}, "results": results}
