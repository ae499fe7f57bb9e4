"""Reads on the channel to INPS, scoped: centre staff see their percorsi's, INPS specialists
only what was transmitted (or asked) to their office, and only what travelled."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value, When

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.access import get_visible_or_404
from scarpette.cases.models import Consent
from scarpette.questionnaire.selectors import latest_run
from scarpette.referrals.models import (
    Consultation,
    ConsultationMessage,
    Transmission,
    TransmissionEvent,
    consent_missing,
)
from scarpette.screening.catalogue import CATALOGUE

# The real sequence of a transmission's statuses (sorting "by status" follows it).
TRANSMISSION_SEQUENCE = ("sent", "acknowledged", "info_requested", "closed", "withdrawn")
CONSULTATION_SEQUENCE = ("open", "answered", "closed", "withdrawn")
SORT_OLDEST, SORT_NEWEST, SORT_STATUS = "oldest", "newest", "status"
ASSIGNED_MINE, ASSIGNED_NONE = "mine", "none"


def _sequence(field: str, values) -> SqlCase:
    return SqlCase(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)),
        default=Value(len(values)),
    )


def _measure_filter(measure: str) -> Q:
    """Rows whose `measures` list holds `measure` (a catalogue id, checked by the caller's form).
    PostgreSQL answers `@>` (jsonb containment); SQLite has no containment, so the quoted id is
    looked for in the list's text, which for a list of ids is the same question."""
    if connection.features.supports_json_field_contains:
        return Q(measures__contains=[measure])
    return Q(measures__icontains=f'"{measure}"')


def _listed(manager, user):
    """What a list may show: the centre's own rows, or every row sent to the INPS office (whose
    pages re-check the consent of the rows they show: `referrals.models.consent_missing`)."""
    if not has_perm(user, Perm.CASE_VIEW) and has_perm(user, Perm.INBOX_WORK):
        return manager.office_rows(user)
    return manager.visible_to(user)


def inbox_for_user(
    *,
    user,
    status: str = "",
    mine: bool = False,
    assigned: str = "",
    measure: str = "",
    sort: str = SORT_NEWEST,
) -> QuerySet[Transmission]:
    """The INPS office's inbox. Permission: inps.inbox_work. Withdrawn transmissions (consent
    revoked) stay listed as bare rows, dates and status only, so INPS knows why one vanished;
    they cannot be opened.

    Filters: status, assigned to her (`mine`, or `assigned="mine"`) or to nobody
    (`assigned="none"`), a measure concerned. Sorting: oldest or newest first, or by status in
    the real sequence (oldest first within each). Each row carries its case (for the code), the
    assignee, and its latest timeline event (`last_kind`, `last_at`) from one subquery each: the
    number of queries does not grow with the rows.
    """
    if not has_perm(user, Perm.INBOX_WORK):
        return Transmission.objects.none()
    qs = _listed(Transmission.objects, user).select_related("assigned_to", "case")
    if status in Transmission.Status.values:
        qs = qs.filter(status=status)
    if mine or assigned == ASSIGNED_MINE:
        qs = qs.filter(assigned_to=user)
    elif assigned == ASSIGNED_NONE:
        qs = qs.filter(assigned_to__isnull=True)
    if measure:
        qs = qs.filter(_measure_filter(measure))
    latest = TransmissionEvent.objects.filter(transmission=OuterRef("pk")).order_by("-at", "-id")
    qs = qs.annotate(
        last_kind=Subquery(latest.values("kind")[:1]), last_at=Subquery(latest.values("at")[:1])
    )
    if sort == SORT_OLDEST:
        return qs.order_by("sent_at", "id")
    if sort == SORT_STATUS:
        return qs.order_by(_sequence("status", TRANSMISSION_SEQUENCE), "sent_at", "id")
    return qs.order_by("-sent_at", "-id")


def inbox_counts_for_user(*, user) -> dict[str, int]:
    """Dashboard figures for an INPS specialist, aggregated in the database."""
    from django.db.models import Count

    rows = inbox_for_user(user=user).order_by().values("status").annotate(n=Count("*"))
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


def consultations_for_user(
    *, user, status: str = "", assigned: str = "", measure: str = "", sort: str = SORT_NEWEST
) -> QuerySet[Consultation]:
    """The consultations a user's side may list; for INPS withdrawn ones stay as bare rows.

    Consultations have no assignee: the specialist who follows one is the one who last answered
    it (`answered_by`); `assigned="mine"` keeps those she last answered, `"none"` those nobody at
    INPS has answered yet. Each row carries its case (code, and its needs prefetched in one
    query), its latest message (`last_at`, `last_side`) and `answered_by`, one subquery each.
    Sorting as the inbox.
    """
    qs = _listed(Consultation.objects, user)
    if status in Consultation.Status.values:
        qs = qs.filter(status=status)
    if measure:
        qs = qs.filter(_measure_filter(measure))
    latest = ConsultationMessage.objects.filter(consultation=OuterRef("pk")).order_by("-at", "-id")
    inps = latest.filter(side=ConsultationMessage.Side.INPS)
    qs = qs.annotate(
        last_at=Subquery(latest.values("at")[:1]),
        last_side=Subquery(latest.values("side")[:1]),
        answered_by=Subquery(inps.values("author__full_name")[:1]),
        answered_by_id=Subquery(inps.values("author_id")[:1]),
    )
    if assigned == ASSIGNED_MINE:
        qs = qs.filter(answered_by_id=user.pk)
    elif assigned == ASSIGNED_NONE:
        qs = qs.filter(answered_by_id__isnull=True)
    qs = qs.select_related("asked_by", "case").prefetch_related("case__needs")
    if sort == SORT_OLDEST:
        return qs.order_by("asked_at", "id")
    if sort == SORT_STATUS:
        return qs.order_by(_sequence("status", CONSULTATION_SEQUENCE), "asked_at", "id")
    return qs.order_by("-asked_at", "-id")


def measure_names() -> dict[str, str]:
    return {m.id: m.name_it for m in CATALOGUE.measures}


def consultation_extract(consultation: Consultation) -> dict:
    """The minimal extract a specialist sees: the measures asked about and the latest facts."""
    run = latest_run(case=consultation.case)
    results = [r for r in (run.results if run else []) if r["measure"] in consultation.measures]
    return {"code": consultation.case.code, "facts": run.facts if run else {}, "results": results}


# --- The centre's work queue (dashboard) ----------------------------------------------------------


def info_requests_waiting(*, user, limit: int):
    """Her centre's transmissions on which INPS asked for information, oldest request first.

    One query (the partial index `transmission_info_requested`), at most `limit` rows; each row
    carries `asked_at`, the time of INPS's latest request. Permission: case.view (else empty).
    """
    from django.db.models import OuterRef, Subquery

    from scarpette.referrals.models import TransmissionEvent

    if not has_perm(user, Perm.CASE_VIEW):
        return []
    asked = (
        TransmissionEvent.objects.filter(transmission=OuterRef("pk"), kind="info_requested")
        .order_by("-at")
        .values("at")[:1]
    )
    return list(
        Transmission.objects.visible_to(user)
        .filter(status=Transmission.Status.INFO_REQUESTED)
        .annotate(asked_at=Subquery(asked))
        .select_related("case")
        .order_by("asked_at", "id")[:limit]
    )


def consultation_answers_waiting(*, user, limit: int):
    """Her centre's consultations that INPS has answered and the centre has not yet replied to or
    closed, oldest answer first. One query, at most `limit` rows (`answered_at` on each)."""
    from django.db.models import OuterRef, Subquery

    from scarpette.referrals.models import ConsultationMessage

    if not has_perm(user, Perm.CASE_VIEW):
        return []
    answered = (
        ConsultationMessage.objects.filter(consultation=OuterRef("pk"), side="inps")
        .order_by("-at")
        .values("at")[:1]
    )
    return list(
        Consultation.objects.visible_to(user)
        .filter(status=Consultation.Status.ANSWERED)
        .annotate(answered_at=Subquery(answered))
        .select_related("case")
        .order_by("answered_at", "id")[:limit]
    )


def results_to_transmit(*, user, limit: int):
    """The referent's queue: open percorsi whose latest screening has the woman's consent to
    transmission in force and has not travelled to INPS yet, oldest first.
    Permission: transmission.send (else empty).

    Three small queries, each bounded by her centre's open percorsi: the candidates (latest run
    not sent: ids only, nothing decrypted), the consents in force among them, then the first
    `limit` runs. As one query PostgreSQL hashed every consent of the country to answer it
    (about 100 ms at 500,000 percorsi)."""
    from django.db.models import Exists, OuterRef

    from scarpette.cases.models import Case, Consent
    from scarpette.questionnaire.models import ScreeningRun

    if not has_perm(user, Perm.TRANSMISSION_SEND):
        return []
    newer = ScreeningRun.objects.filter(
        case_id=OuterRef("case_id"), created_at__gt=OuterRef("created_at")
    )
    sent = Transmission.objects.filter(run_id=OuterRef("pk")).exclude(
        status=Transmission.Status.WITHDRAWN
    )
    candidates = list(
        ScreeningRun.objects.filter(
            case__in=Case.objects.visible_to(user).filter(status=Case.Status.OPEN)
        )
        .filter(~Exists(newer), ~Exists(sent))
        .order_by("created_at", "id")
        .values_list("id", "case_id")
    )
    if not candidates:
        return []
    in_force = set(
        Consent.objects.filter(
            case_id__in={case_id for _, case_id in candidates},
            purpose=Consent.Purpose.TRANSMISSION,
            withdrawn_at=None,
        ).values_list("case_id", flat=True)
    )
    chosen = [run_id for run_id, case_id in candidates if case_id in in_force][:limit]
    if not chosen:
        return []
    runs = ScreeningRun.objects.filter(pk__in=chosen).select_related("case").in_bulk()
    return [runs[run_id] for run_id in chosen]


def inbox_overview_for_user(*, user) -> dict:
    """The INPS specialist's dashboard: per status, how many and how long the oldest has waited;
    the oldest transmissions still to take in charge; open consultations. Three queries whatever
    the size of the inbox (aggregates in the database, then the oldest QUEUE_LIMIT + 1 rows)."""
    from django.db.models import Count, Min

    from scarpette.core.panels import QUEUE_LIMIT

    if not has_perm(user, Perm.INBOX_WORK):
        return {}
    sent = _listed(Transmission.objects, user).exclude(status=Transmission.Status.WITHDRAWN)
    rows = (
        sent.order_by()
        .values("status")
        .annotate(
            n=Count("*"), oldest=Min("sent_at"), mine=Count("assigned_to", filter=_mine(user))
        )
    )
    by_status = {row["status"]: row for row in rows}
    to_claim = list(
        sent.filter(status=Transmission.Status.SENT)
        .select_related("case")
        .order_by("sent_at", "id")[: QUEUE_LIMIT + 1]
    )
    missing = consent_missing(to_claim, Consent.Purpose.TRANSMISSION)
    to_claim = [t for t in to_claim if t.pk not in missing]
    consultations = (
        _listed(Consultation.objects, user)
        .filter(status=Consultation.Status.OPEN)
        .aggregate(n=Count("id"), oldest=Min("asked_at"))
    )
    return {"by_status": by_status, "to_claim": to_claim, "consultations": consultations}


def _mine(user):
    from django.db.models import Q

    return Q(assigned_to=user)
