"""The percorsi's panels on the dashboard and the percorso page's own actions (core.panels)."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases import selectors
from scarpette.core import panels


def centre_cases(request):
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    return {
        "counts": selectors.case_counts_for_user(user=user),
        "recent": list(selectors.case_list_for_user(user=user, mine=True, status="open")[:5]),
    }


def break_glass(request):
    user = request.user
    if not has_perm(user, Perm.CENTRE_AUDIT_VIEW):
        return None
    return {"break_glass_grants": selectors.break_glass_grants_for_centre(user=user)}


def case_action_for(perm: str):
    """The context of a button on the percorso page (CASE_ACTIONS): the percorso itself, for
    whoever holds `perm`; nothing otherwise. Shared by every app that adds such a button."""

    def context(request, *, case):
        if not has_perm(request.user, perm):
            return None
        return {"case": case}

    return context


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="cases.centre",
        order=10,
        template="cases/panels/dashboard_centre.html",
        context=centre_cases,
    )
    panels.register(
        panels.DASHBOARD,
        key="cases.break_glass",
        order=60,
        template="cases/panels/dashboard_break_glass.html",
        context=break_glass,
    )
    panels.register(
        panels.CASE_ACTIONS,
        key="cases.subject_access",
        order=90,
        template="cases/panels/action_subject_access.html",
        context=case_action_for(Perm.CASE_SUBJECT_ACCESS),
    )
