"""Applications and outcomes on the percorso page (core.panels): its button and its summary."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm
from scarpette.applications.selectors import glance_for_case
from scarpette.cases.panels import case_action_for
from scarpette.core import panels


def case_glance(request, *, case):
    # The caller (the percorso page) has scoped the percorso for this user.
    return {"glance": glance_for_case(case)}


def register() -> None:
    panels.register(
        panels.CASE_ACTIONS,
        key="applications.action",
        order=20,
        template="applications/panels/case_action.html",
        context=case_action_for(Perm.CASE_VIEW),
    )
    panels.register(
        panels.CASE,
        key="applications.glance",
        order=50,
        template="applications/panels/case_glance.html",
        context=case_glance,
    )
