"""Applications and outcomes on composed pages (core.panels): the legal deadlines near or past in
the centre's work queue, the percorso page's button and summary."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.applications.selectors import deadlines_due_for_user, glance_for_case
from scarpette.cases.panels import case_action_for
from scarpette.core import panels
from scarpette.core.panels import QUEUE_LIMIT, QueueRow
from scarpette.core.timewords import due_words


def horizon_days() -> int:
    """How near a deadline must be to enter the queue: the reminders' own window."""
    return int(getattr(settings, "DEADLINE_REMINDER_DAYS", 14))


def deadlines_queue(request):
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    today = timezone.localdate()
    days = horizon_days()
    rows = [
        QueueRow(
            code=d.case.code,
            what=f"{d.get_kind_display()}: {d.measure_name}",
            when=due_words(d.due_on, today),
            url=reverse("applications:application_list", kwargs={"case_id": d.case.public_id}),
            action=_("Prepara la domanda"),
            late=d.due_on < today,
        )
        for d in deadlines_due_for_user(
            user=user, today=today, horizon_days=days, limit=QUEUE_LIMIT + 1
        )
    ]
    return {
        "queues": [
            panels.queue(
                key="deadlines",
                title=_("Scadenze di legge vicine o passate"),
                rows=rows,
                empty=_(
                    "Nessuna scadenza nei prossimi %(days)d giorni. Le scadenze nascono dai "
                    "risultati del questionario."
                )
                % {"days": days},
                more_url=reverse("cases:case_list"),
                more_label=_("Tutti i percorsi con una scadenza vicina"),
            )
        ]
    }


def case_glance(request, *, case):
    # The caller (the percorso page) has scoped the percorso for this user.
    return {"glance": glance_for_case(case)}


def register() -> None:
    from scarpette.applications import listing

    listing.register()  # its column of the percorsi list (cases.listing)
    panels.register(
        panels.DASHBOARD,
        key="applications.deadlines",
        order=3,
        template="core/panels/queues.html",
        context=deadlines_queue,
    )
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
