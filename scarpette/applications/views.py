"""Application pages. Thin: selector -> form -> one service -> render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm, require
from scarpette.applications import selectors, services
from scarpette.applications.forms import ApplicationForm, StartForm
from scarpette.audit.reads import read_action
from scarpette.cases.selectors import case_get_for_user
from scarpette.core.conflicts import CONFLICT_MESSAGE, EditConflict, version_from_request
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadySubmitted,
    StaleForm,
    key_from_request,
)


def _list_context(case, **extra) -> dict:
    return {
        "case": case,
        "applications": selectors.application_list_for_case(case=case),
        "deadlines": selectors.deadlines_for_case(case=case, today=timezone.localdate()),
        "startable": selectors.startable_measures(case=case),
        **extra,
    }


@require_http_methods(["GET", "POST"])
# Her centre, or an administrator under a break-glass grant (the scope decides which).
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
@read_action("applications.application_list.viewed")
def application_list(request, case_id):
    """The percorso's applications and deadlines; POST `measure` starts an application."""
    case = case_get_for_user(user=request.user, public_id=case_id)
    if request.method == "POST":
        require(request.user, Perm.CASE_APPLICATION_MANAGE)
        form = StartForm(request.POST)
        if form.is_valid():
            try:
                application = services.application_start(
                    actor=request.user,
                    case=case,
                    measure=form.cleaned_data["measure"],
                    idempotency_key=key_from_request(request),
                )
            except AlreadySubmitted as done:
                messages.info(request, DUPLICATE_MESSAGE)
                return redirect("applications:application_detail", public_id=done.result_ref)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("applications:application_list", case_id=case.public_id)
            return redirect("applications:application_detail", public_id=application.public_id)
        messages.error(request, _("Misura non valida."))
        return render(
            request, "applications/application_list.html", _list_context(case), status=400
        )
    return render(request, "applications/application_list.html", _list_context(case))


def _application_values(application) -> list[tuple[str, str]]:
    """The stored application in words (shown next to the form on a conflict)."""
    rows = [(_("Stato"), application.get_status_display())]
    for field in services.STEP_FIELDS:
        model_field = application._meta.get_field(field)
        value = getattr(application, field)
        if model_field.choices and value:
            value = getattr(application, f"get_{field}_display")()
        elif hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        rows.append((str(model_field.verbose_name).capitalize(), value or "—"))
    return rows


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def application_detail(request, public_id):
    """One application: the document checklist, the current step and the timeline."""
    application = selectors.application_get_for_user(user=request.user, public_id=public_id)
    documents = selectors.application_documents(application=application)
    form = ApplicationForm(request.POST or None, application=application, documents=documents)
    status = 200
    version = application.version
    conflict = None
    if request.method == "POST":
        require(request.user, Perm.CASE_APPLICATION_MANAGE)
        if form.is_valid():
            try:
                posted_version = version_from_request(request)
                if posted_version is None:
                    raise StaleForm
                services.application_update(
                    actor=request.user,
                    application=application,
                    data=form.service_data(),
                    version=posted_version,
                )
            except EditConflict as exc:
                # Nothing saved: her typed values stay in the form, the stored ones beside them.
                form.add_error(None, CONFLICT_MESSAGE)
                version = exc.current.version
                conflict = _application_values(exc.current)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc.messages)
                else:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Domanda aggiornata."))
                return redirect("applications:application_detail", public_id=application.public_id)
        status = 409 if conflict else 400
    return render(
        request,
        "applications/application_detail.html",
        {
            "case": application.case,
            "application": application,
            "documents": documents,
            "form": form,
            "events": application.events.select_related("actor"),
            "version": version,
            "conflict": conflict,
            "documents_marker": ApplicationForm.DOCUMENTS_MARKER,
        },
        status=status,
    )
