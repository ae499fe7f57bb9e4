"""Questionnaire pages: operator-assisted mode, results, take-home summary, form versions, tablet."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm, require
from scarpette.audit.reads import read_action
from scarpette.cases.selectors import case_get_for_user
from scarpette.core.access import public
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadyDone,
    AlreadySubmitted,
    key_from_request,
)
from scarpette.questionnaire import drafts, selectors, services
from scarpette.questionnaire.actors import TabletActor
from scarpette.questionnaire.engine import FormRunner
from scarpette.questionnaire.forms import HandbackForm, StartForm, UploadForm, page_index
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.summary import (
    PDF_FILENAME,
    build_summary,
    render_summary_pdf,
)
from scarpette.questionnaire.tablet_texts import tablet_texts

ACTIONS = {"next", "back", "save", "add_repeat"}


def _action(post) -> str:
    action = post.get("action", "next")
    if action in ACTIONS or (action.startswith("remove_repeat:") and action[14:].isdigit()):
        return action
    return "next"


def _runner(session: QuestionnaireSession) -> FormRunner:
    return FormRunner(
        services.definition_of(session.form_version),
        session.answers,
        language=session.language,
        today=timezone.localdate(),
    )


def _language_info(session: QuestionnaireSession):
    definition = services.definition_of(session.form_version)
    return next(lang for lang in definition.languages if lang.code == session.language)


# --- Operator-assisted mode ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@read_action("questionnaire.start.viewed")
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def session_start(request, case_id):
    # The page shows the percorso's sessions: an audited read (the start itself is audited by
    # its service).
    case = case_get_for_user(user=request.user, public_id=case_id)
    require(request.user, Perm.CASE_EDIT)
    definition = services.definition_of(services.form_current())
    form = StartForm(request.POST or None, languages=definition.languages)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_start(
                actor=request.user,
                case=case,
                mode=form.cleaned_data["mode"],
                language=form.cleaned_data["language"],
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted as done:
            messages.info(request, DUPLICATE_MESSAGE)
            session = selectors.session_get_for_user(user=request.user, public_id=done.result_ref)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            session = None
        if session is not None:
            if session.mode == QuestionnaireSession.Mode.SELF:
                return redirect("questionnaire:tablet_code", public_id=session.public_id)
            return redirect("questionnaire:session_page", public_id=session.public_id)
    sessions = selectors.sessions_for_case(user=request.user, case=case)
    return render(
        request,
        "questionnaire/session_start.html",
        {"case": case, "form": form, "sessions": sessions, "languages": definition.languages},
    )


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def session_page(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    if session.status == QuestionnaireSession.Status.COMPLETED:
        return redirect("questionnaire:session_result", public_id=session.public_id)
    runner = _runner(session)
    index = session.section_index
    if request.method == "GET":
        wanted = page_index(request.GET, "pagina", page_count=runner.page_count)
        index = index if wanted is None else wanted
    errors: dict[str, str] = {}
    raw: dict[str, str] = {}
    answers = None
    if request.method == "GET":
        restored = drafts.draft_restore(
            actor=request.user,
            session=session,
            kept_ids=request.session.get(drafts.SESSION_KEY, []),
        )
        if restored is not None:
            # Shown back, not saved: she checks the page and confirms with a button.
            index = max(0, min(restored.page, runner.page_count - 1))
            typed = QueryDict(mutable=True)
            for key, values in restored.data.items():
                typed.setlist(key, values)
            result = runner.restore(index, typed)
            errors, answers, raw = result.errors, result.answers, result.raw
            messages.info(
                request, _("Abbiamo conservato quello che avevi scritto: controlla e salva.")
            )
    if request.method == "POST":
        page = page_index(request.POST, "page", page_count=runner.page_count)
        if page is None:
            # Not a page of this form: save nothing and show again the page she is on.
            return _assisted_render(request, session, runner, index, status=400, broken=True)
        try:
            outcome = services.session_submit_page(
                actor=request.user,
                session=session,
                page=page,
                data=request.POST,
                action=_action(request.POST),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(
                reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})
                + f"?pagina={page}"
            )
        if outcome.finished:
            return redirect("questionnaire:session_result", public_id=session.public_id)
        session.refresh_from_db()
        if not outcome.stay:
            return redirect(
                reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})
                + f"?pagina={session.section_index}"
            )
        runner = _runner(session)
        index, errors, answers, raw = page, outcome.errors, session.answers, outcome.raw
    return _assisted_render(
        request,
        session,
        runner,
        index,
        errors=errors,
        answers=answers,
        raw=raw,
        # A restored draft may show errors on a GET: the page itself is fine.
        status=400 if errors and request.method == "POST" else 200,
    )


def _assisted_render(
    request, session, runner, index, *, errors=None, answers=None, raw=None, status, broken=False
):
    errors = errors or {}
    if broken:
        messages.error(
            request, _("La pagina inviata non è valida: controlla le risposte e riprova.")
        )
    page_obj = runner.page(index, errors=errors, answers=answers, raw=raw)
    language = _language_info(session)
    return render(
        request,
        "questionnaire/session_page.html",
        {
            "session": session,
            "case": session.case,
            "page": page_obj,
            "page_count": runner.page_count,
            "progress": round(100 * (index + 1) / runner.page_count),
            "language": language,
            "texts": tablet_texts(session.language),
            "mode": "assisted",
            "lang": language.code,
            "dir": language.direction,
            "errors": errors,
        },
        status=status,
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def session_result(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    run = selectors.latest_run(session=session)
    if run is None:
        return redirect("questionnaire:session_page", public_id=session.public_id)
    runner = _runner(session)
    definition = services.definition_of(session.form_version)
    measures = selectors.results_for_display(run=run, definition=definition, runner=runner)
    changed = [m.name for m in measures if m.measure in run.changed_measures]
    if changed and run.reviewed_at is None:
        services.run_mark_reviewed(actor=request.user, run=run)
    return render(
        request,
        "questionnaire/session_result.html",
        {
            "session": session,
            "case": session.case,
            "run": run,
            "measures": measures,
            "changed": changed,
            "needs": selectors.needs_for_case(case=session.case),
        },
    )


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def session_rerun(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    if request.POST.get("correct_page", ""):
        page = page_index(request.POST, "correct_page")
        if page is None:
            messages.error(request, _("La pagina indicata non è valida."))
            return redirect("questionnaire:session_result", public_id=session.public_id)
        page = services.session_reopen(actor=request.user, session=session, page=page).section_index
        return redirect(
            reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})
            + f"?pagina={page}"
        )
    try:
        services.session_rerun(
            actor=request.user, session=session, idempotency_key=key_from_request(request)
        )
    except AlreadySubmitted:
        messages.info(request, DUPLICATE_MESSAGE)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Screening ricalcolato con le regole in vigore."))
    return redirect("questionnaire:session_result", public_id=session.public_id)


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def session_tablet_code(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    code = None
    if request.method == "POST":
        try:
            code = services.tablet_code_issue(
                actor=request.user, session=session, idempotency_key=key_from_request(request)
            )
        except AlreadySubmitted:
            messages.info(
                request,
                _(
                    "Il codice per questo invio è già stato generato: se non lo vedi, "
                    "generane uno nuovo."
                ),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "questionnaire/tablet_code.html",
        {
            "session": session,
            "case": session.case,
            "code": code,
            "minutes": services.TABLET_CODE_MINUTES,
            "handback_form": HandbackForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW)
def handback(request):
    form = HandbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.handback_take(actor=request.user, code=form.cleaned_data["code"])
        if session is not None:
            return redirect("questionnaire:session_result", public_id=session.public_id)
        form.add_error("code", _("Nessun questionario concluso con questo codice nel tuo centro."))
    return render(request, "questionnaire/handback.html", {"form": form})


def _summary_for(session, run):
    return build_summary(
        results=run.results, language=session.language, code=session.case.code, day=run.as_of
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def summary_page(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    run = selectors.latest_run(session=session)
    if run is None:
        raise Http404
    summary = _summary_for(session, run)
    return render(
        request,
        "questionnaire/summary_page.html",
        {"session": session, "summary": summary},
    )


def _pdf_response(summary) -> HttpResponse:
    response = HttpResponse(render_summary_pdf(summary), content_type="application/pdf")
    # A neutral file name: the file may stay on a shared device.
    response["Content-Disposition"] = f'attachment; filename="{PDF_FILENAME}"'
    return response


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def summary_pdf(request, public_id):
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    run = selectors.latest_run(session=session)
    if run is None:
        raise Http404
    services.record_summary_download(actor=request.user, session=session)
    return _pdf_response(_summary_for(session, run))


# --- Administrators: form versions --------------------------------------------------------------


@permission_required(Perm.QUESTIONNAIRE_MANAGE)
@require_http_methods(["GET", "POST"])
def form_versions(request):
    current = services.form_current()
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.form_version_upload(
                actor=request.user,
                data=form.cleaned_data["file"].read(),
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("questionnaire:form_versions")
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, _("Versione %(version)s caricata come bozza.") % {"version": version}
            )
            return redirect("questionnaire:form_versions")
    return render(
        request,
        "questionnaire/form_versions.html",
        {
            "versions": selectors.form_versions(user=request.user),
            "current": current,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@permission_required(Perm.QUESTIONNAIRE_MANAGE)
@require_http_methods(["GET"])
def form_version_download(request, public_id):
    version = selectors.form_version_get(user=request.user, public_id=public_id)
    response = HttpResponse(
        selectors.form_version_workbook(version),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="questionario-{version.version}.xlsx"'
    return response


@permission_required(Perm.QUESTIONNAIRE_MANAGE)
@require_POST
def form_version_publish(request, public_id):
    version = selectors.form_version_get(user=request.user, public_id=public_id)
    try:
        services.form_version_publish(actor=request.user, version=version)
    except AlreadyDone as done:
        messages.info(request, done.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Versione %(version)s pubblicata.") % {"version": version})
    return redirect("questionnaire:form_versions")


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
            {"languages": definition.languages, "session": session},
            language=language.code,
            direction=language.direction,
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
            return _tablet_render(request, "questionnaire/tablet_start.html", {"error": ""})
        error = tablet_texts(language.code)["handback_invalid"]
    return _tablet_render(
        request,
        "questionnaire/tablet_done.html",
        {"session": session, "error": error},
        status=400 if error else 200,
        language=language.code,
        direction=language.direction,
    )


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
        {"error": error},
        status=400 if error and request.method == "POST" else 200,
    )


@public("the tablet has no account: its views check the session it claimed with a code")
@require_POST
def tablet_pause(request):
    """Idle on the tablet: forget the claim; the answers saved so far stay with the percorso."""
    session = _tablet_session(request)
    if session is not None:
        services.record_tablet_event(
            actor=TabletActor(session.public_id),
            session=session,
            action="questionnaire.tablet.paused",
        )
    _tablet_forget(request)
    return HttpResponse(status=204)


@public("the tablet has no account: its views check the session it claimed with a code")
@require_POST
def tablet_exit(request):
    """Quick exit on the tablet: forget the claim at once."""
    session = _tablet_session(request)
    if session is not None:
        services.record_tablet_event(
            actor=TabletActor(session.public_id),
            session=session,
            action="questionnaire.tablet.quick_exit",
        )
    _tablet_forget(request)
    return HttpResponse(status=204)
