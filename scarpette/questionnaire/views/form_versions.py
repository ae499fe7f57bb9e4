"""Administrators: the questionnaire's versions (upload, download, publish)."""

from __future__ import annotations

import itertools

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
from scarpette.questionnaire import selectors, services, xlsform
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
            "versions": selectors.form_version_rows(user=request.user),
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


# --- Preview and differences: reads only (no session, nothing written) -------------------------


def _preview_item(question, definition, language: str, key: str) -> dict:
    choices = [
        {"it": choice.label("it"), "text": choice.label(language)}
        for choice in definition.choices_for(question)
    ]
    return {
        "key": key,  # the control's id: never the question's internal name
        "type": question.type,
        "label": question.label(language),
        "label_it": question.label("it"),
        "hint": question.hint(language),
        "choices": choices,
        "required": question.required,
        "condition": xlsform.condition_words(question.relevant, definition)
        if question.relevant.strip()
        else "",
    }


def _preview_pages(definition, language: str) -> list[dict]:
    pages = []
    keys = itertools.count(1)
    for number, section in enumerate(definition.sections, start=1):
        blocks = []
        for item in section.items:
            if isinstance(item, xlsform.Section):
                questions = [
                    _preview_item(q, definition, language, f"q{next(keys)}")
                    for q in item.all_questions()
                    if q.type != "calculate"
                ]
                blocks.append(
                    {
                        "repeat": True,
                        "label": item.label(language),
                        "label_it": item.label("it"),
                        "questions": questions,
                    }
                )
            elif item.type != "calculate":
                blocks.append(
                    {"repeat": False, **_preview_item(item, definition, language, f"q{next(keys)}")}
                )
        pages.append(
            {
                "number": number,
                "label": section.label(language),
                "label_it": section.label("it"),
                "condition": xlsform.condition_words(section.relevant, definition)
                if section.relevant.strip()
                else "",
                "blocks": blocks,
            }
        )
    return pages


@permission_required(Perm.QUESTIONNAIRE_MANAGE)
@require_http_methods(["GET"])
def form_version_preview(request, public_id):
    """Every page of a version, read-only, in the language asked (`?lingua=`): what she would
    see, before publishing. No session is created and nothing is written."""
    version = selectors.form_version_get(user=request.user, public_id=public_id)
    definition = services.definition_of(version)
    codes = definition.language_codes
    code = request.GET.get("lingua") or definition.default_language
    if code not in codes:
        code = "it" if "it" in codes else codes[0]
    return render(
        request,
        "questionnaire/form_version_preview.html",
        {
            "version": version,
            "definition": definition,
            "language": definition.language(code),
            "title": definition.title.get(code) or definition.title.get("it", ""),
            "pages": _preview_pages(definition, code),
        },
    )


@permission_required(Perm.QUESTIONNAIRE_MANAGE)
@require_http_methods(["GET"])
def form_version_diff(request, public_id):
    """What changed between this version and another (`?rispetto=`; by default the one in use
    before it), in words."""
    version = selectors.form_version_get(user=request.user, public_id=public_id)
    others = [v for v in selectors.form_versions(user=request.user) if v.pk != version.pk]
    other = None
    wanted = request.GET.get("rispetto", "")
    if wanted:
        other = next((v for v in others if str(v.public_id) == wanted), None)
    if other is None:
        other = selectors.form_version_previous(version)
    difference = None
    if other is not None:
        older, newer = (
            (other, version) if other.created_at <= version.created_at else (version, other)
        )
        difference = xlsform.form_diff(services.definition_of(older), services.definition_of(newer))
    return render(
        request,
        "questionnaire/form_version_diff.html",
        {"version": version, "other": other, "others": others, "diff": difference},
    )
