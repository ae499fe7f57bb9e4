"""The take-home summary, as a page and as a PDF."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.questionnaire import selectors, services
from scarpette.questionnaire.summary import (
    PDF_FILENAME,
    build_summary,
    render_summary_pdf,
)


def _completed_session(request, public_id):
    """The session (scoped, its read audited) and its latest run; 404 before any result."""
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    run = selectors.latest_run(session=session)
    if run is None:
        raise Http404
    return session, run


def _summary_for(session, run):
    return build_summary(
        results=run.results, language=session.language, code=session.case.code, day=run.as_of
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def summary_page(request, public_id):
    session, run = _completed_session(request, public_id)
    summary = _summary_for(session, run)
    return render(
        request,
        "questionnaire/summary_page.html",
        {"session": session, "summary": summary},
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def summary_preview(request, public_id):
    """Her summary in Italian beside her language, for the operator before printing (the read is
    audited like the result's: the scoped session selector)."""
    session, run = _completed_session(request, public_id)
    summary = _summary_for(session, run)
    italian = build_summary(
        results=run.results, language="it", code=session.case.code, day=run.as_of
    )
    return render(
        request,
        "questionnaire/summary_preview.html",
        {
            "session": session,
            "summary": summary,
            "italian": italian,
            "same_language": summary.language == italian.language,
            "language_name": _language_name(session, summary.language),
        },
    )


def _language_name(session, code: str) -> str:
    """Her language by its own name, as the questionnaire's form version lists it."""
    for language in services.definition_of(session.form_version).languages:
        if language.code == code:
            return language.native_name or code
    return code


def _pdf_response(summary) -> HttpResponse:
    response = HttpResponse(render_summary_pdf(summary), content_type="application/pdf")
    # A neutral file name: the file may stay on a shared device.
    response["Content-Disposition"] = f'attachment; filename="{PDF_FILENAME}"'
    return response


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def summary_pdf(request, public_id):
    session, run = _completed_session(request, public_id)
    services.record_summary_download(actor=request.user, session=session)
    return _pdf_response(_summary_for(session, run))
