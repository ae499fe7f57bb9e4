"""The questionnaire on composed pages (core.panels): the tablet hand-back and the re-screened
results to review on the dashboard, the questionnaire button on the percorso page."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.panels import case_action_for
from scarpette.core import panels
from scarpette.questionnaire.selectors import changed_runs_for_user


def centre_work(request):
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    return {"changed_runs": changed_runs_for_user(user=user)}


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="questionnaire.centre",
        order=20,
        template="questionnaire/panels/dashboard_centre.html",
        context=centre_work,
    )
    panels.register(
        panels.CASE_ACTIONS,
        key="questionnaire.action",
        order=10,
        template="questionnaire/panels/case_action.html",
        context=case_action_for(Perm.CASE_VIEW),
    )
