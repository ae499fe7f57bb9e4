"""Administrators: the questionnaire's versions (upload, download, publish)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadyDone,
    AlreadySubmitted,
    key_from_request,
)
from scarpette.questionnaire import selectors, services
from scarpette.questionnaire.forms import UploadForm

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
