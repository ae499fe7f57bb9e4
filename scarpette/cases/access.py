"""Fetch-and-authorise for a percorso and everything that hangs from it (Zulip's
`access_*_by_id`): the object from a queryset already scoped to the user, or 404.

The read itself is audited by `scarpette.audit.reads` once the page is shown; this module only
fetches, answers "not yours" as "absent", records the attempt on another centre's object for its
referent, and marks every access through a break-glass grant.
"""

from __future__ import annotations

from django.http import Http404

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.audit.reads import note_read
from scarpette.audit.services import audit_access_denied, audit_log


def get_visible_or_404(
    visible,
    *,
    user,
    public_id,
    object_type: str,
    read_action: str,
    centre_field: str = "case__centre_id",
    case_field: str = "case",
):
    """The object with `public_id` from `visible`, else Http404 (the same answer for "not yours"
    and "absent").

    An attempt on an object that exists elsewhere is audited as denied, on its owning centre. A
    successful fetch is noted as a read (`read_action`, on the object's percorso); under a
    break-glass grant it is audited at once as such, whatever the request does next.
    """
    obj = visible.filter(public_id=public_id).first()
    if obj is None:
        other = visible.model.objects.filter(public_id=public_id).values(centre_field).first()
        if other is not None:
            audit_access_denied(
                actor=user,
                object_type=object_type,
                object_id=str(public_id),
                organisation_id=other[centre_field],
            )
        raise Http404
    case = getattr(obj, case_field) if case_field else obj
    detail = {} if case is obj else {object_type.split(".")[1]: str(obj.public_id)}
    grant = None
    if has_perm(user, Perm.CASE_BREAK_GLASS):  # only administrators read through a grant
        grant = case.break_glass_grant_for(user)
    if grant is not None:
        # Every request of an administrator under a break-glass grant is logged as such, on the
        # percorso's centre (its referent sees it), whatever the view goes on to do.
        audit_log(
            actor=user,
            action="cases.case.break_glass_access",
            obj=case,
            organisation_id=case.centre_id,
            detail={"grant": str(grant.public_id), "read": read_action},
        )
    else:
        note_read(
            action=read_action,
            object_type="cases.case",
            object_id=str(case.public_id),
            organisation_id=case.centre_id,
            detail=detail,
        )
    return obj
