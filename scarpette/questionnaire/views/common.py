"""Shared by the operator's pages and the tablet: the page's action, its runner, its language."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from scarpette.questionnaire import services
from scarpette.questionnaire.engine import FormRunner
from scarpette.questionnaire.forms import page_index
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.tablet_texts import tablet_texts

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


# The page's fields, sent again while she answers (htmx, on `change`); the page script
# (static/js/questionnaire_flow.js) swaps in only a response that carries this header.
FIELDS_HEADER = "X-Questionnaire-Fields"


def _refreshed_fields(
    request, session: QuestionnaireSession, *, mode: str, message_language: str, announce
):
    """The page's fields as they are with what is typed now, not yet saved: the follow-up
    questions her answers open appear at once, decided by the same runner as "Avanti".

    Nothing is stored and nothing is audited: the answers are saved (and audited) only by a
    button, and the response shows nothing the page did not already hold. `announce(n)` is the
    text read by screen readers when n questions appeared.
    """
    runner = _runner(session, message_language=message_language)
    index = page_index(request.POST, "page", page_count=runner.page_count)
    if index is None:
        return HttpResponseBadRequest()
    language = _language_info(session)
    typed = runner.restore(index, request.POST)
    page = runner.page(index, errors=typed.errors, answers=typed.answers, raw=typed.raw)
    appeared = len(set(page.shown_keys) - set(request.POST.getlist("_shown")))
    response = render(
        request,
        "questionnaire/_page_refresh.html",
        {
            "page": page,
            "session": session,
            "texts": tablet_texts(session.language),
            # What the {% control %} texts need: whose page it is and her language.
            "mode": mode,
            "lang": language.code,
            "dir": language.direction,
            "announcement": announce(appeared) if appeared else "",
        },
    )
    response[FIELDS_HEADER] = "1"
    return response
