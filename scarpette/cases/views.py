"""Percorso pages. Thin: selector -> form -> one service -> render or redirect."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required, sensitive_action
from scarpette.accounts.permissions import Perm, active_membership, has_perm, require
from scarpette.audit.reads import read_action
from scarpette.audit.selectors import audit_events_for_centre
from scarpette.cases import access_log, listing, lookup, selectors, services
from scarpette.cases.forms import (
    AssignForm,
    BreakGlassForm,
    CaseFilterForm,
    CaseOpenForm,
    IdentityForm,
    NoteForm,
    StatusForm,
)
from scarpette.cases.models import CaseIdentity, Consent
from scarpette.core import panels
from scarpette.core.conflicts import CONFLICT_MESSAGE, EditConflict, version_from_request
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadySubmitted,
    StaleForm,
    key_from_request,
)
from scarpette.core.pagination import paginate


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW)
def case_list(request):
    """Her centre's percorsi: by code, or found by her exact tax code or surname (audited)."""
    form = CaseFilterForm(request.GET or None)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {"form": form, "page": None, "querystring": querystring.urlencode()}
    if form.is_bound and not form.is_valid() and "q" in form.errors:
        # An invalid tax code (or a value too long): the field error, and no list that would
        # look like an answer. A malformed filter is ignored, as it always was.
        return render(request, "cases/case_list.html", context)
    filters = form.cleaned_data if form.is_bound else {}
    kind = filters.get("kind", CaseFilterForm.KIND_CODE)
    query = filters.get("q", "")
    status = filters.get("status", "")
    mine = filters.get("mine", False)
    # The later apps' filters (questionnaire, INPS, deadline); a bad value is named beside its
    # field and ignored.
    columns = {name: filters.get(name, "") for name in form.column_filters}
    if kind != CaseFilterForm.KIND_CODE and query:
        cases = lookup.case_lookup(
            actor=request.user,
            kind=kind,
            value=query,
            status=status,
            mine=mine,
            filters=columns,
        )
        context["identity_lookup"] = True
    else:
        cases = selectors.case_list_for_user(
            user=request.user, query=query, status=status, mine=mine, filters=columns
        )
    # The page's ids first (the order and the filters, nothing else), then the columns of those
    # 25 rows only: PostgreSQL would compute them for every row an OFFSET skips.
    ids = cases.prefetch_related(None).values_list("pk", flat=True)
    page = paginate(request, ids, settings.CASES_PAGE_SIZE)
    page.object_list = selectors.case_list_rows(user=request.user, ids=list(page.object_list))
    today = timezone.localdate()
    context["page"] = page
    context["headers"] = [column.header for column in listing.columns()]
    context["rows"] = [(case, listing.cells(case, today)) for case in page.object_list]
    return render(request, "cases/case_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_CREATE)
def case_open(request):
    staff = selectors.centre_staff_for_user(user=request.user)
    form = CaseOpenForm(
        request.POST or None, staff=staff, initial={"opened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request.user,
                opened_on=form.cleaned_data["opened_on"],
                assigned=list(form.cleaned_data["assigned"]),
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted as done:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("cases:case_detail", public_id=done.result_ref)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Percorso aperto con codice %(code)s.") % {"code": case.code}
            )
            return redirect("cases:case_detail", public_id=case.public_id)
    return render(request, "cases/case_open.html", {"form": form})


def _consent_rows(case):
    active = selectors.case_active_consents(case=case)
    return [(value, label, active.get(value)) for value, label in Consent.Purpose.choices]


def _detail_context(request, case, **extra):
    staff = selectors.centre_staff_for_user(user=request.user)
    context = {
        "case": case,
        "identity": getattr(case, "identity", None),
        "consent_rows": _consent_rows(case),
        "notice_version": settings.INFORMATION_NOTICE_VERSION,
        "notes": case.notes.select_related("author")[:50],
        "events": case.events.select_related("actor")[:50],
        "assigned": case.assigned_to.all(),
        "status_form": StatusForm(initial={"status": case.status}),
        "note_form": NoteForm(),
        "assign_form": AssignForm(staff=staff, initial={"assigned": case.assigned_to.all()}),
        "revealed": None,
        # What the later apps show of this percorso: they register their panels (core.panels).
        "case_actions": panels.panels_for(request, panels.CASE_ACTIONS, case=case),
        "case_panels": panels.panels_for(request, panels.CASE, case=case),
        # Set when an administrator reads the percorso through a break-glass grant.
        "break_glass": selectors.break_glass_grant_active(user=request.user, case=case),
    }
    context.update(extra)
    return context


@require_http_methods(["GET"])
# Her centre, or an administrator under a break-glass grant (the scope decides which).
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_detail(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_reveal(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    identity = services.case_reveal_identity(actor=request.user, case=case)
    context = _detail_context(
        request, case, revealed=identity, revealed_channels=_channel_words(identity)
    )
    return render(request, "cases/case_detail.html", context)


def _channel_words(identity) -> str:
    """Her safe channels in words ("Solo tramite il centro"), never their stored codes."""
    if identity is None:
        return ""
    channels = dict(CaseIdentity.Channel.choices)
    return ", ".join(str(channels[c]) for c in identity.safe_channel_list if c in channels)


def _identity_values(identity) -> list[tuple[str, str]]:
    """The stored identity in words, field by field (shown next to the form on a conflict)."""
    rows = []
    for field in services.IDENTITY_FIELDS:
        label = IdentityForm.base_fields[field].label
        channels = field == "safe_channels"
        value = _channel_words(identity) if channels else getattr(identity, field)
        rows.append((label, value or "—"))
    return rows


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_identity(request, public_id):
    """Her identity, to edit. It opens masked: the values reach the page only after "Mostra per
    modificare", which needs the reveal permission and writes the reveal audit event in the same
    request (and so does every later rendering of the filled form: errors, conflicts)."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CASE_EDIT)
    identity = getattr(case, "identity", None)
    version = identity.version if identity is not None else 0
    has_values = identity is not None and not identity.is_empty
    if has_values and request.method == "GET":
        return render(
            request,
            "cases/case_identity.html",
            {
                "case": case,
                "masked": True,
                "can_reveal": has_perm(request.user, Perm.CASE_IDENTITY_REVEAL),
            },
        )
    if has_values:
        # Showing (or showing again) what is stored: the reveal permission and its audit event.
        identity = services.case_reveal_identity(actor=request.user, case=case)
    initial = {}
    if identity is not None:
        initial = {f: getattr(identity, f) for f in services.IDENTITY_FIELDS}
        initial["safe_channels"] = identity.safe_channel_list
    if request.POST.get("action") == "reveal":
        form = IdentityForm(initial=initial)
        return render(
            request,
            "cases/case_identity.html",
            {
                "case": case,
                "form": form,
                "version": version,
                "channels_marker": IdentityForm.CHANNELS_MARKER,
            },
        )
    # Bound on every POST, even an empty one: an empty POST must be answered, not shown as a GET.
    form = IdentityForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        posted_version = version_from_request(request)
        try:
            if posted_version is None:
                raise StaleForm
            services.case_update_identity(
                actor=request.user, case=case, data=form.service_data(), version=posted_version
            )
        except EditConflict as exc:
            # Nothing saved: her typed values stay in the form, the stored ones are shown
            # beside them, and the form now carries the current version.
            conflict = _identity_values(exc.current)
            version = exc.current.version
            form.add_error(None, CONFLICT_MESSAGE)
            status = 409
        except ValidationError as exc:
            form.add_error(None if exc.code == "stale_form" else "tax_code", exc.messages)
        else:
            messages.success(request, _("Dati identificativi salvati."))
            return redirect("cases:case_detail", public_id=case.public_id)
    return render(
        request,
        "cases/case_identity.html",
        {
            "case": case,
            "form": form,
            "version": version,
            "conflict": conflict,
            "channels_marker": IdentityForm.CHANNELS_MARKER,
        },
        status=status,
    )


def _case_edit(request, case, form, form_key: str, apply) -> object:
    """Run one edit of the percorso (status, assignment) with its version check.

    On a conflict nothing is saved and the page is shown again with her choice in the form and
    the current values on the page (409); a form without a version asks to reload the page.
    """
    version = version_from_request(request)
    if version is None:
        messages.error(request, StaleForm().messages[0])
        return redirect("cases:case_detail", public_id=case.public_id)
    try:
        apply(version)
    except EditConflict as exc:
        messages.error(request, CONFLICT_MESSAGE)
        return render(
            request,
            "cases/case_detail.html",
            _detail_context(request, exc.current, **{form_key: form}),
            status=409,
        )
    return None


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_status(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CASE_EDIT)  # scope first (404), then the action (403)
    form = StatusForm(request.POST)
    if form.is_valid():
        refused = _case_edit(
            request,
            case,
            form,
            "status_form",
            lambda version: services.case_set_status(
                actor=request.user, case=case, status=form.cleaned_data["status"], version=version
            ),
        )
        if refused is not None:
            return refused
        messages.success(request, _("Stato aggiornato."))
    else:
        messages.error(request, _("Scegli uno stato valido."))
    return redirect("cases:case_detail", public_id=case.public_id)


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_assign(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CASE_EDIT)  # scope first (404), then the action (403)
    form = AssignForm(request.POST, staff=selectors.centre_staff_for_user(user=request.user))
    if form.is_valid():
        refused = _case_edit(
            request,
            case,
            form,
            "assign_form",
            lambda version: services.case_set_assigned(
                actor=request.user,
                case=case,
                assigned=list(form.cleaned_data["assigned"]),
                version=version,
            ),
        )
        if refused is not None:
            return refused
        messages.success(request, _("Assegnazione aggiornata."))
    else:
        messages.error(request, _("Scegli almeno un'operatrice."))
    return redirect("cases:case_detail", public_id=case.public_id)


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_note(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_note(
                actor=request.user,
                case=case,
                text=form.cleaned_data["text"],
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("cases:case_detail", public_id=case.public_id)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Nota aggiunta."))
            return redirect("cases:case_detail", public_id=case.public_id)
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, note_form=form),
        status=400,
    )


@require_http_methods(["GET"])
# Her centre first (the scope answers 404 elsewhere), then the referent's permission.
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
@read_action("cases.access_log.viewed")
def case_access_log(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CENTRE_AUDIT_VIEW)
    events = audit_events_for_centre(organisation_id=case.centre_id, object_id=str(case.public_id))
    return render(
        request,
        "cases/case_access_log.html",
        {"case": case, "page": paginate(request, events, 50)},
    )


@require_http_methods(["GET"])
@permission_required(Perm.CENTRE_AUDIT_VIEW)
def centre_access_log(request):
    """Her centre's log, filtered by person, percorso, action and period, older pages by keyset;
    a filter in error is said on its field (400), never a 500."""
    organisation_id = active_membership(request.user).organisation_id
    form = access_log.AccessLogFilterForm(request.GET, organisation_id=organisation_id)
    if not form.is_valid():
        return render(
            request, "cases/centre_access_log.html", {"form": form, "page": None}, status=400
        )
    cursor = access_log.CursorForm(request.GET)
    before = cursor.cleaned_data["prima"] if cursor.is_valid() else None
    filters = request.GET.copy()
    filters.pop("prima", None)
    return render(
        request,
        "cases/centre_access_log.html",
        {
            "form": form,
            "page": access_log.log_page(form, before_id=before),
            "querystring": filters.urlencode(),
            "older_page": before is not None,
            "export_max": access_log.EXPORT_MAX_ROWS,
        },
    )


@require_http_methods(["GET"])
@permission_required(Perm.CENTRE_AUDIT_VIEW)
def centre_access_log_csv(request):
    """The filtered rows as CSV (streamed, at most EXPORT_MAX_ROWS); the export is audited."""
    organisation_id = active_membership(request.user).organisation_id
    form = access_log.AccessLogFilterForm(request.GET, organisation_id=organisation_id)
    if not form.is_valid():
        return render(
            request, "cases/centre_access_log.html", {"form": form, "page": None}, status=400
        )
    access_log.access_log_exported(
        actor=request.user, organisation_id=organisation_id, filters=form.used()
    )
    response = StreamingHttpResponse(
        access_log.csv_lines(form), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="registro-accessi.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@sensitive_action(Perm.CASE_BREAK_GLASS)
def break_glass(request):
    """An administrator opens one percorso by its exact code, stating why (re-authenticated)."""
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open(
                actor=request.user,
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.warning(
                request,
                _(
                    "Accesso di emergenza in sola lettura fino alle %(time)s. Ogni pagina è registrata."
                )
                % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")},
            )
            return redirect("cases:case_detail", public_id=grant.case.public_id)
    return render(
        request,
        "cases/break_glass.html",
        {
            "form": form,
            "grants": selectors.break_glass_grants_of_admin(user=request.user),
            "minutes": settings.BREAK_GLASS_MINUTES,
        },
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def subject_access(request, public_id):
    """Her right of access: the referent downloads everything held about her (PDF or JSON).

    Scope first (an outsider gets 404), then the permission (403), then a fresh re-authentication.
    """
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CASE_SUBJECT_ACCESS)
    return reauthentication_required(_subject_access)(request, case)


def _subject_access(request, case):
    from scarpette.cases.subject_access import FORMATS, subject_access_export

    fmt = request.GET.get("formato", "")
    if fmt not in FORMATS:
        return render(request, "cases/subject_access.html", {"case": case})
    content, content_type, file_name = subject_access_export(actor=request.user, case=case, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response
