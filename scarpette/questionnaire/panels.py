"""The questionnaire on composed pages (core.panels): the questionnaires and tablet sessions still
open in the centre's work queue, the tablet hand-back and the re-screened results to review on the
dashboard, the questionnaire button on the percorso page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.panels import case_action_for
from scarpette.core import panels
from scarpette.core.panels import QUEUE_LIMIT, QueueRow
from scarpette.core.timewords import waiting_since
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.selectors import changed_runs_for_user, sessions_in_progress_for_user


def sessions_queue(request):
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    now = timezone.now()
    list_url = reverse("cases:case_list")

    def rows(mode, what, action):
        page = "questionnaire:tablet_code" if mode == QuestionnaireSession.Mode.SELF else None
        return [
            QueueRow(
                code=s.case.code,
                what=what,
                when=waiting_since(s.updated_at, now),
                url=reverse(
                    page or "questionnaire:session_page", kwargs={"public_id": s.public_id}
                ),
                action=action,
            )
            for s in sessions_in_progress_for_user(user=user, mode=mode, limit=QUEUE_LIMIT + 1)
        ]

    return {
        "queues": [
            panels.queue(
                key="questionnaires",
                title=_("Questionari in corso"),
                rows=rows(
                    QuestionnaireSession.Mode.ASSISTED,
                    _("Questionario compilato insieme, non ancora concluso"),
                    _("Riprendi"),
                ),
                empty=_(
                    "Nessun questionario in corso. Per iniziarne uno, apri il percorso e scegli "
                    "«Questionario»."
                ),
                more_url=list_url,
                more_label=_("Tutti i percorsi con un questionario in corso"),
            ),
            panels.queue(
                key="tablet",
                title=_("Sessioni sul tablet ancora aperte"),
                rows=rows(
                    QuestionnaireSession.Mode.SELF,
                    _("Questionario in autonomia sul tablet"),
                    _("Apri"),
                ),
                empty=_(
                    "Nessuna sessione aperta sul tablet. Quando lei ha finito, riprendi la "
                    "sessione con il codice che il tablet mostra."
                ),
                more_url=list_url,
                more_label=_("Tutti i percorsi con un questionario in corso"),
            ),
        ]
    }


def centre_work(request):
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    return {"changed_runs": changed_runs_for_user(user=user)}


def register() -> None:
    from scarpette.questionnaire import listing

    listing.register()  # its column of the percorsi list (cases.listing)
    panels.register(
        panels.DASHBOARD,
        key="questionnaire.sessions",
        order=4,
        template="core/panels/queues.html",
        context=sessions_queue,
    )
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
