"""Reads of percorsi. Every read goes through Case.objects.visible_to(user) and is audited."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from scarpette.accounts.models import User
from scarpette.accounts.permissions import Perm, active_membership, has_perm, roles_with
from scarpette.cases import listing
from scarpette.cases.access import get_visible_or_404
from scarpette.cases.indexes import surname_index, tax_code_index
from scarpette.cases.models import BreakGlassGrant, Case, Consent

LOOKUP_CODE = "code"
LOOKUP_TAX_CODE = "tax_code"
LOOKUP_SURNAME = "surname"
# The lookups through a blind index of her identity (exact match only, audited: cases.lookup).
IDENTITY_LOOKUPS = {
    LOOKUP_TAX_CODE: ("identity__tax_code_index", tax_code_index),
    LOOKUP_SURNAME: ("identity__surname_index", surname_index),
}


def code_prefix(query: str) -> str:
    """What a search by code matches: the beginning of the code, in capitals, with or without
    its dash ("abcd2" finds ABCD-2345). A prefix, not any part, so that an index answers it
    (`case_code_prefix`) whatever the size of the centre."""
    query = "".join(query.split()).upper()
    if len(query) > 4 and "-" not in query:
        query = f"{query[:4]}-{query[4:]}"
    return query


def case_list_for_user(
    *,
    user,
    query: str = "",
    status: str = "",
    mine: bool = False,
    kind: str = LOOKUP_CODE,
    filters: dict[str, str] | None = None,
    columns: bool = False,
) -> QuerySet[Case]:
    """Her centre's percorsi, filtered; lists show codes and statuses only (no identity).

    `kind` says what `query` is: the beginning of the percorso's code (the default), or her exact tax code
    or surname, matched through its blind index (never decrypted, never a partial match). A
    lookup by tax code or surname is audited: pages reach it through `cases.lookup.case_lookup`.

    `columns` adds what the later apps show per row (cases.listing: questionnaire, INPS state,
    next deadline), as subqueries of the list's one query; `filters` are their filters, by key
    (an unknown value is ignored).

    Permission: case.view (otherwise an empty list). Constant query count: the caller paginates
    and the assigned operators are prefetched.
    """
    qs = Case.objects.visible_to(user)
    if kind in IDENTITY_LOOKUPS:
        field, index = IDENTITY_LOOKUPS[kind]
        digest = index(query)
        qs = qs.filter(**{field: digest}) if digest else qs.none()
    elif query := code_prefix(query):
        qs = qs.filter(code__startswith=query)
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assigned_to=user)
    if columns or filters:
        qs = listing.apply_filters(listing.annotate(qs), filters or {}, timezone.localdate())
    return qs.prefetch_related("assigned_to").order_by("-opened_on", "-id")


def case_list_rows(*, user, ids: list[int]) -> list[Case]:
    """The rows of one list page, in the order of `ids`, with the later apps' columns
    (cases.listing) and the assigned operators: two queries, whatever the page's position."""
    if not ids:
        return []
    rows = listing.annotate(Case.objects.visible_to(user).filter(pk__in=ids))
    by_id = {case.pk: case for case in rows.prefetch_related("assigned_to")}
    return [by_id[pk] for pk in ids if pk in by_id]


def case_get_for_user(*, user, public_id) -> Case:
    """One percorso if the user may see it, else 404 (same answer for "not yours" and "absent").

    The page that shows it is audited as a read (`cases.case.viewed`, or what the view declares
    with `audit.reads.read_action`); an attempt on another centre's percorso is audited as
    `cases.case.access_denied` (the user never learns that it exists).
    """
    return get_visible_or_404(
        Case.objects.visible_to(user).select_related("centre"),
        user=user,
        public_id=public_id,
        object_type="cases.case",
        centre_field="centre_id",
        read_action="cases.case.viewed",
        case_field="",
    )


def case_active_consents(*, case: Case) -> dict[str, Consent]:
    return {c.purpose: c for c in case.consents.filter(withdrawn_at__isnull=True)}


def case_has_consent(*, case: Case, purpose: str) -> bool:
    return case.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists()


def centre_staff_for_user(*, user) -> QuerySet[User]:
    """Active operators and referents of the user's centre (for assignment choices)."""
    membership = active_membership(user)
    if membership is None or not has_perm(user, Perm.CASE_VIEW):
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        membership__is_active=True,
        membership__organisation_id=membership.organisation_id,
        membership__role__in=roles_with(Perm.CASE_VIEW),
    )


def case_counts_for_user(*, user) -> dict[str, int]:
    """Dashboard figures, aggregated in the database."""
    # COUNT(*) by status reads the index `case_centre_status` alone (no percorso row).
    rows = Case.objects.visible_to(user).order_by().values("status").annotate(n=Count("*"))
    counts = {status: 0 for status in Case.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["mine"] = (
        Case.objects.visible_to(user).filter(assigned_to=user, status=Case.Status.OPEN).count()
    )
    return counts


BREAK_GLASS_RECENT_DAYS = 30


def break_glass_grants_for_centre(*, user) -> list[BreakGlassGrant]:
    """Break-glass grants on the referent's centre's percorsi: unexpired ones and those of the
    last 30 days, newest first (dashboard). Permission: centre.audit_view."""
    if not has_perm(user, Perm.CENTRE_AUDIT_VIEW):
        return []
    membership = active_membership(user)
    now = timezone.now()
    return list(
        BreakGlassGrant.objects.filter(case__centre_id=membership.organisation_id)
        .filter(
            Q(expires_at__gt=now) | Q(created_at__gte=now - timedelta(days=BREAK_GLASS_RECENT_DAYS))
        )
        .select_related("admin", "case")[:20]
    )


def break_glass_grants_of_admin(*, user) -> list[BreakGlassGrant]:
    """The administrator's own unexpired grants (her break-glass page). Permission:
    case.break_glass."""
    return list(BreakGlassGrant.objects.active().filter(admin=user).select_related("case"))


def break_glass_grant_active(*, user, case: Case) -> BreakGlassGrant | None:
    """The grant through which an administrator reads this percorso now (for the page banner)."""
    return case.break_glass_grant_for(user)
