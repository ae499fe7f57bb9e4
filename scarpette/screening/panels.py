"""The measures catalogue's link on the dashboard of those who do not work on percorsi
(core.panels): INPS, the technical table."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.core import panels


def catalogue_link(request):
    user = request.user
    if not has_perm(user, Perm.MEASURES_VIEW) or has_perm(user, Perm.CASE_VIEW):
        return None
    return {}


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="screening.catalogue",
        order=90,
        template="screening/panels/dashboard_catalogue.html",
        context=catalogue_link,
    )
