"""The woman on the tablet: code, language, pages, pause, quick exit, hand-back."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.core.access import public
from scarpette.questionnaire import services
from scarpette.questionnaire.actors import TabletActor
from scarpette.questionnaire.forms import page_index
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.tablet_texts import every_language, tablet_texts
from scarpette.questionnaire.views.common import (
    _action,
    _language_info,
    _refreshed_fields,
    _runner,
)

# --- The woman on the tablet --------------------------------------------------------------------

TABLET_KEY = "tablet_session"
TABLET_FLASH = "tablet_flash"
TABLET_CODE_ERROR = "tablet_code_error"
TABLET_SEEN = "tablet_seen_at"


def _tablet_session(request) -> QuestionnaireSession | None:
    """The session this tablet holds (claimed with a code), if it is still active."""
    public_id = request.session.get(TABLET_KEY)
    if not public_id:
        return None
    seen = request.session.get(TABLET_SEEN, 0)
    if time.time() - seen > settings.TABLET_IDLE_SECONDS:
        _tablet_forget(request)
        return None
    session = (
        QuestionnaireSession.objects.select_related("case", "form_version")
        .filter(public_id=public_id)
        .first()
    )
    if session is None or services.tablet_is_handed_back(session):
        # Taken back by the operator: nothing of hers may answer on this tablet any more.
        _tablet_forget(request)
        return None
    request.session[TABLET_SEEN] = time.time()
    return session


def _tablet_script(request) -> bool:
    """The step was sent by static/js/tablet.js (it shows the answer by reloading /t/)."""
    return request.headers.get("X-Tablet-Step") == "1"


def _tablet_forget(request) -> None:
    """Drop the tablet's whole session (it never holds a staff login): a new, empty one follows."""
    request.session.flush()


def _tablet_render(request, template, context, status=200, language="it", direction="ltr"):
    context = {
        "lang": language,
        "dir": direction,
        "texts": tablet_texts(language),
        "idle_seconds": settings.TABLET_IDLE_SECONDS,
        "mode": "self",
        **context,
    }
    return render(request, template, context, status=status)


@public("the tablet has no account: its views check the session it claimed with a code")
@require_http_methods(["GET", "POST"])
def tablet(request):
    """Every step of self-completion lives at this one address (see static/js/tablet.js)."""
    session = _tablet_session(request)
    if request.method == "GET" and request.headers.get("X-Tablet-Poll") == "1":
        # The end screen asks (static/js/tablet.js) whether the operator has taken it back.
        return HttpResponse(status=204 if session is not None else 205)
    if session is None:
        return _tablet_start(request)
    language = _language_info(session)
    definition = services.definition_of(session.form_version)
    if session.status == QuestionnaireSession.Status.COMPLETED:
        return _tablet_done(request, session, language)
    if not request.session.get("tablet_language_chosen"):
        chosen = request.POST.get("language", "")
        if request.method == "POST" and chosen:
            services.tablet_set_language(
                actor=TabletActor(session.public_id), session=session, language=chosen
            )
            request.session["tablet_language_chosen"] = True
            return redirect("questionnaire:tablet")
        return _tablet_render(
            request,
            "questionnaire/tablet_language.html",
            {"languages": every_language(definition.languages), "session": session},
            language=language.code,
            direction=language.direction,
        )
    if request.method == "POST" and request.htmx:
        # An answer changed (htmx): the fields again, with the follow-ups it opens; nothing saved.
        texts = tablet_texts(language.code)
        return _refreshed_fields(
            request,
            session,
            mode="self",
            message_language=language.code,
            announce=lambda n: texts["new_questions"].format(n=n),
        )
    runner = _runner(session)
    index = session.section_index
    errors: dict[str, str] = {}
    raw: dict[str, str] = {}
    answers = None
    if request.method == "POST":
        page = page_index(request.POST, "page", page_count=runner.page_count)
        if page is None:
            # Not a page of this form: save nothing and show again the page she is on.
            return _tablet_render(
                request,
                "questionnaire/tablet_page.html",
                {
                    "session": session,
                    "page": runner.page(index),
                    "page_count": runner.page_count,
                    "progress": round(100 * (index + 1) / runner.page_count),
                    "errors": {},
                },
                status=400,
                language=language.code,
                direction=language.direction,
            )
        try:
            outcome = services.session_submit_page(
                actor=TabletActor(session.public_id),
                session=session,
                page=page,
                data=request.POST,
                action=_action(request.POST),
            )
        except ValidationError:
            # Only an impossible answer gets here; the page shows again with what is saved.
            return redirect("questionnaire:tablet")
        if outcome.finished or not outcome.stay:
            return redirect("questionnaire:tablet")
        if _tablet_script(request):
            # The page script replaces the history entry with a GET of /t/: keep what to show.
            request.session[TABLET_FLASH] = {
                "page": page,
                "errors": outcome.errors,
                "raw": outcome.raw,
            }
            return redirect("questionnaire:tablet")
        session.refresh_from_db()
        runner = _runner(session)
        index, errors, answers, raw = page, outcome.errors, session.answers, outcome.raw
    else:
        flash = request.session.pop(TABLET_FLASH, None)
        if flash and flash.get("page") == index:
            errors, raw = flash.get("errors", {}), flash.get("raw", {})
    return _tablet_render(
        request,
        "questionnaire/tablet_page.html",
        {
            "session": session,
            "page": runner.page(index, errors=errors, answers=answers, raw=raw),
            "page_count": runner.page_count,
            "progress": round(100 * (index + 1) / runner.page_count),
            "errors": errors,
        },
        status=400 if errors and request.method == "POST" else 200,
        language=language.code,
        direction=language.direction,
    )


def _tablet_done(request, session, language):
    """Her end screen: the hand-back code. The operator may type it here to clear the tablet."""
    error = ""
    if request.method == "POST" and "handback" in request.POST:
        if services.tablet_release(
            actor=TabletActor(session.public_id), session=session, code=request.POST["handback"]
        ):
            _tablet_forget(request)
            return _tablet_render(
                request,
                "questionnaire/tablet_start.html",
                {"error": "", "languages": _start_languages()},
            )
        error = tablet_texts(language.code)["handback_invalid"]
    return _tablet_render(
        request,
        "questionnaire/tablet_done.html",
        {"session": session, "error": error},
        status=400 if error else 200,
        language=language.code,
        direction=language.direction,
    )


def _start_languages() -> list[dict]:
    """The languages a woman can choose (the current form's), each in its own words."""
    return every_language(services.definition_of(services.form_current()).languages)


def _tablet_start(request):
    error = ""
    if request.method == "POST" and "code" in request.POST:
        from scarpette.questionnaire.throttle import tablet_code_allowed

        if not tablet_code_allowed(request):
            error = tablet_texts("it")["code_invalid"]
        else:
            session = services.tablet_claim(code=request.POST.get("code", ""))
            if session is not None:
                # The tablet never keeps a staff login: whoever was signed in on it is signed out.
                logout(request)
                request.session[TABLET_KEY] = str(session.public_id)
                request.session[TABLET_SEEN] = time.time()
                return redirect("questionnaire:tablet")
            error = tablet_texts("it")["code_invalid"]
        if _tablet_script(request):
            request.session[TABLET_CODE_ERROR] = error
            return redirect("questionnaire:tablet")
    elif request.method == "GET":
        error = request.session.pop(TABLET_CODE_ERROR, "")
    return _tablet_render(
        request,
        "questionnaire/tablet_start.html",
        {"error": error, "languages": _start_languages()},
        status=400 if error and request.method == "POST" else 200,
    )


def _tablet_leave(request, action: str) -> HttpResponse:
    """The tablet lets go of its session (paused or quick exit), audited as `action`."""
    session = _tablet_session(request)
    if session is not None:
        services.record_tablet_event(
            actor=TabletActor(session.public_id), session=session, action=action
        )
    _tablet_forget(request)
    return HttpResponse(status=204)


@public("the tablet has no account: its views check the session it claimed with a code")
@require_POST
def tablet_pause(request):
    """Idle on the tablet: forget the claim; the answers saved so far stay with the percorso."""
    return _tablet_leave(request, "questionnaire.tablet.paused")


@public("the tablet has no account: its views check the session it claimed with a code")
@require_POST
def tablet_exit(request):
    """Quick exit on the tablet: forget the claim at once."""
    return _tablet_leave(request, "questionnaire.tablet.quick_exit")
