"""The accounts' panels on the dashboard (core.panels): her centre's staff, the platform's set-up,
the technical table's place."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm, active_membership, has_perm
from scarpette.core import panels


def centre_staff(request):
    if not has_perm(request.user, Perm.CENTRE_STAFF_MANAGE):
        return None
    return {}


def platform_setup(request):
    if not has_perm(request.user, Perm.ACCOUNT_MANAGE):
        return None
    return {}


def table_placeholder(request):
    """Members of the technical table: aggregated figures only, none published yet."""
    user = request.user
    if any(has_perm(user, p) for p in (Perm.CASE_VIEW, Perm.ACCOUNT_MANAGE, Perm.INBOX_WORK)):
        return None
    membership = active_membership(user)
    if membership is None or membership.organisation is None:
        return None
    if membership.organisation.kind == membership.organisation.Kind.INPS:
        return None
    return {}


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="accounts.platform",
        order=10,
        template="accounts/panels/dashboard_platform.html",
        context=platform_setup,
    )
    panels.register(
        panels.DASHBOARD,
        key="accounts.table",
        order=10,
        template="accounts/panels/dashboard_table.html",
        context=table_placeholder,
    )
    panels.register(
        panels.DASHBOARD,
        key="accounts.centre_staff",
        order=50,
        template="accounts/panels/dashboard_centre_staff.html",
        context=centre_staff,
    )
