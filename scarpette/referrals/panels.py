"""The channel to INPS on composed pages (core.panels): the specialist's inbox on her dashboard,
the transmission and consultation buttons on the percorso page."""

from __future__ import annotations

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.panels import case_action_for
from scarpette.core import panels
from scarpette.referrals.selectors import inbox_counts_for_user


def inbox(request):
    user = request.user
    if not has_perm(user, Perm.INBOX_WORK):
        return None
    counts = inbox_counts_for_user(user=user)
    return {"inbox": counts, "received": sum(v for k, v in counts.items() if k != "mine_open")}


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="referrals.inbox",
        order=10,
        template="referrals/panels/dashboard_inbox.html",
        context=inbox,
    )
    panels.register(
        panels.CASE_ACTIONS,
        key="referrals.actions",
        order=30,
        template="referrals/panels/case_actions.html",
        context=case_action_for(Perm.CASE_VIEW),
    )
