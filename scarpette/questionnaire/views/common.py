"""Shared by the operator's pages and the tablet: the page's action, its runner, its language."""

from __future__ import annotations

from django.utils import timezone

from scarpette.questionnaire import services
from scarpette.questionnaire.engine import FormRunner
from scarpette.questionnaire.models import QuestionnaireSession

ACTIONS = {"next", "back", "save", "add_repeat"}


def _action(post) -> str:
    action = post.get("action", "next")
    if action in ACTIONS or (action.startswith("remove_repeat:") and action[14:].isdigit()):
        return action
    return "next"


def _runner(session: QuestionnaireSession, *, message_language: str | None = None) -> FormRunner:
    return FormRunner(
        services.definition_of(session.form_version),
        session.answers,
        language=session.language,
        today=timezone.localdate(),
        message_language=message_language,
    )


def _language_info(session: QuestionnaireSession):
    definition = services.definition_of(session.form_version)
    return next(lang for lang in definition.languages if lang.code == session.language)
