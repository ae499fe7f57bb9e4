"""Finding a woman's percorso by her exact tax code or surname: blind, scoped, audited.

The value she gives is normalised and turned into its blind index (cases.indexes); the database
is asked for that index only, within the operator's own centre (`Case.objects.visible_to`). No
identity is decrypted and none is shown: the page lists codes and statuses.

Every lookup writes one audit event, `cases.lookup.searched`, for the operator's centre, holding
the kind of lookup and the number of percorsi found — never the searched value (an audit log that
kept it would be a plaintext index of every tax code and surname ever looked up).
"""

from __future__ import annotations

from django.db.models import QuerySet

from scarpette.accounts.permissions import Perm, active_membership, require
from scarpette.audit.services import audit_log
from scarpette.cases.models import Case
from scarpette.cases.selectors import (
    IDENTITY_LOOKUPS,
    LOOKUP_TAX_CODE,
    case_list_for_user,
)
from scarpette.core.validators import validate_tax_code


def case_lookup(
    *,
    actor,
    kind: str,
    value: str,
    status: str = "",
    mine: bool = False,
    filters: dict[str, str] | None = None,
    columns: bool = False,
) -> QuerySet[Case]:
    """Her centre's percorsi whose identity has exactly this tax code or surname (with the
    list's filters), after auditing the lookup.

    Permission: case.view. A tax code that is not valid raises ValidationError before anything is
    looked up. An unknown kind is a programming error (ValueError).
    """
    require(actor, Perm.CASE_VIEW)
    if kind not in IDENTITY_LOOKUPS:
        raise ValueError(f"unknown lookup kind {kind!r}")
    if kind == LOOKUP_TAX_CODE:
        validate_tax_code(value)
    found = case_list_for_user(
        user=actor,
        query=value,
        status=status,
        mine=mine,
        kind=kind,
        filters=filters,
        columns=columns,
    )
    membership = active_membership(actor)
    audit_log(
        actor=actor,
        action="cases.lookup.searched",
        object_type="cases.lookup",
        organisation_id=membership.organisation_id if membership else None,
        detail={"kind": kind, "results": found.count()},
    )
    return found
