"""Operator-assisted mode: start, pages, result, re-screening, tablet code, hand-back."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm, require
from scarpette.audit.reads import read_action
from scarpette.cases.selectors import case_get_for_user
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadySubmitted,
    key_from_request,
)
from scarpette.questionnaire import drafts, selectors, services
from scarpette.questionnaire.forms import HandbackForm, StartForm, page_index
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.tablet_texts import tablet_texts
from scarpette.questionnaire.views.common import (
    _action,
    _language_info,
    _refreshed_fields,
    _runner,
)

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
    if request.method == "POST" and request.htmx:
        # An answer changed (htmx): the fields again, with the follow-ups it opens; nothing saved.
        return _refreshed_fields(
            request,
            session,
            mode="assisted",
            message_language="it",
            announce=lambda n: _("Nuove domande: %(n)d") % {"n": n},
        )
    runner = _runner(session, message_language="it")  # a restored draft's errors, for staff
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
    overview = selectors.result_overview(measures)
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
            "overview": overview,
            "overview_groups": [
                ("eligible", overview.eligible),
                ("undetermined", overview.undetermined),
                ("not_eligible", overview.not_eligible),
            ],
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
