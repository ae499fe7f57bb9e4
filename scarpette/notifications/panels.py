"""The outbox's panel on the administrator's dashboard (core.panels)."""

from __future__ import annotations

from scarpette.core import panels
from scarpette.notifications.selectors import outbox_problem_counts_for_user


def outbox_problems(request):
    counts = outbox_problem_counts_for_user(user=request.user)
    return None if counts is None else {"mail_problems": counts}


def register() -> None:
    panels.register(
        panels.DASHBOARD,
        key="notifications.outbox",
        order=20,
        template="notifications/panels/dashboard_outbox.html",
        context=outbox_problems,
    )
