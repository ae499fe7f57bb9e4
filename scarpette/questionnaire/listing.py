"""The questionnaire's column of the percorsi list (cases.listing): its state, with a filter."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from scarpette.cases import listing
from scarpette.questionnaire.models import QuestionnaireSession

NOT_STARTED = "not_started"
STATES = [
    (NOT_STARTED, _("Non iniziato")),
    (QuestionnaireSession.Status.IN_PROGRESS.value, _("In corso")),
    (QuestionnaireSession.Status.COMPLETED.value, _("Completato")),
]


def annotate(qs):
    """The status of the percorso's latest questionnaire session (none: not started), one
    subquery on the `qsession_case_recent` index."""
    latest = QuestionnaireSession.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    return qs.annotate(questionnaire_state=Subquery(latest.values("status")[:1]))


def cell(case, today) -> listing.Cell:
    return listing.Cell(str(dict(STATES)[case.questionnaire_state or NOT_STARTED]))


def apply_filter(qs, value: str, today):
    """On the state shown. "Not started" is an anti-join (no session at all); the others first
    keep the percorsi with a session in that state (a semi-join PostgreSQL answers over the few
    such sessions), then check that it is the latest."""
    sessions = QuestionnaireSession.objects.filter(case=OuterRef("pk"))
    if value == NOT_STARTED:
        return qs.filter(~Exists(sessions))
    return qs.filter(Exists(sessions.filter(status=value)), questionnaire_state=value)


def register() -> None:
    listing.register(
        listing.ListColumn(
            key="questionario",
            order=10,
            header=_("Questionario"),
            annotate=annotate,
            cell=cell,
            filter_label=_("Questionario"),
            filter_choices=STATES,
            apply_filter=apply_filter,
        )
    )
