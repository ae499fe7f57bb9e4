"""Staff management pages: a referent's operators; an administrator's organisations and accounts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts import selectors, services
from scarpette.accounts.decorators import permission_required, sensitive_action
from scarpette.accounts.forms import (
    AccountCreateForm,
    AccountSearchForm,
    InviteOperatorForm,
    OrganisationForm,
    RoleChangeForm,
)
from scarpette.accounts.models import Organisation, User
from scarpette.accounts.permissions import Perm, role_has
from scarpette.core.conflicts import CONFLICT_MESSAGE, EditConflict, version_from_request
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadySubmitted,
    StaleForm,
    key_from_request,
)
from scarpette.core.pagination import paginate


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CENTRE_STAFF_MANAGE)
def centre_staff(request):
    staff = selectors.centre_staff_list_for_user(user=request.user)
    form = InviteOperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_operator_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                base_url=services.site_base_url(request),
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("accounts:centre_staff")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Invito inviato."))
            return redirect("accounts:centre_staff")
    manageable = {
        person.public_id
        for person in staff
        if person.pk != request.user.pk
        and not role_has(person.membership.role, Perm.CENTRE_STAFF_MANAGE)
    }
    return render(
        request,
        "accounts/staff_list.html",
        {"staff": staff, "form": form, "manageable": manageable},
    )


@require_POST
@permission_required(Perm.ACCOUNT_MANAGE, Perm.CENTRE_STAFF_MANAGE)
def account_toggle_active(request, public_id):
    # The target state is explicit: a request without it (or with anything but 0/1) changes
    # nothing, rather than reading "absent" as "deactivate".
    target = request.POST.get("active")
    try:
        if target not in ("0", "1"):
            services.account_get_manageable(actor=request.user, user_public_id=public_id)
            raise ValidationError(
                _("Richiesta incompleta: nessuna modifica. Ricarica la pagina e riprova.")
            )
        user = services.account_set_active(
            actor=request.user, user_public_id=public_id, active=target == "1"
        )
    except User.DoesNotExist as exc:
        # Another centre's account (or none): the same 404, and the attempt in the log.
        services.account_access_denied(actor=request.user, user_public_id=public_id)
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Account riattivato.") if user.is_active else _("Account disattivato."),
        )
    if selectors.can_manage_accounts(request.user):
        return redirect("accounts:account_list")
    return redirect("accounts:centre_staff")


@require_http_methods(["GET"])
@permission_required(Perm.ACCOUNT_MANAGE)
def account_list(request):
    form = AccountSearchForm(request.GET)
    # A malformed search is shown with its error and searches for nothing.
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = paginate(request, selectors.account_list_for_user(user=request.user, query=query), 50)
    querystring = urlencode({"q": query}) if query else ""
    return render(
        request,
        "accounts/account_list.html",
        {"page": page, "query": query, "querystring": querystring, "form": form},
        status=200 if form.is_valid() else 400,
    )


@permission_required(Perm.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def account_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                base_url=services.site_base_url(request),
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("accounts:account_list")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Account creato; il link di attivazione è stato inviato."))
            return redirect("accounts:account_list")
    return render(request, "accounts/account_form.html", {"form": form})


@sensitive_action(Perm.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def account_role(request, public_id):
    try:
        account = selectors.account_get_for_user(user=request.user, public_id=public_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    membership = getattr(account, "membership", None)
    initial = {
        "role": membership.role if membership else "",
        "organisation": membership.organisation.public_id
        if membership and membership.organisation
        else None,
    }
    version = membership.version if membership else 0
    form = RoleChangeForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            posted_version = version_from_request(request)
            if posted_version is None:
                raise StaleForm
            services.account_change_role(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                version=posted_version,
            )
        except EditConflict as exc:
            form.add_error(None, CONFLICT_MESSAGE)
            version = exc.current.version
            conflict = [
                (_("Ruolo"), exc.current.get_role_display()),
                (_("Ente"), exc.current.organisation.name if exc.current.organisation else "—"),
            ]
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Ruolo aggiornato."))
            return redirect("accounts:account_list")
    return render(
        request,
        "accounts/account_role.html",
        {"form": form, "account": account, "version": version, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET"])
@permission_required(Perm.ORGANISATION_MANAGE)
def organisation_list(request):
    organisations = selectors.organisation_list_for_user(user=request.user)
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@permission_required(Perm.ORGANISATION_MANAGE)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, public_id=None):
    if public_id is None:
        organisation = Organisation()
    else:
        try:
            organisation = selectors.organisation_get_for_user(
                user=request.user, public_id=public_id
            )
        except Organisation.DoesNotExist as exc:
            raise Http404 from exc
    data = request.POST or None
    if data is not None and organisation.pk and OrganisationForm.ACTIVE_MARKER not in data:
        # The "active" box was not on the page that sent this: absent means keep, not "off".
        data = data.copy()
        if organisation.is_active:
            data["is_active"] = "on"
    version = organisation.version
    form = OrganisationForm(data, instance=organisation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            posted_version = version_from_request(request) if organisation.pk else None
            if organisation.pk and posted_version is None:
                raise StaleForm
            services.organisation_save(
                actor=request.user,
                organisation=form.instance,
                version=posted_version,
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("accounts:organisation_list")
        except EditConflict as exc:
            form.add_error(None, CONFLICT_MESSAGE)
            version = exc.current.version
            conflict = [
                (_("Nome"), exc.current.name),
                (_("Tipo"), exc.current.get_kind_display()),
                (_("Attivo"), _("Sì") if exc.current.is_active else _("No")),
            ]
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Ente salvato."))
            return redirect("accounts:organisation_list")
    return render(
        request,
        "accounts/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "version": version,
            "conflict": conflict,
            "active_marker": OrganisationForm.ACTIVE_MARKER,
        },
        status=409 if conflict else 200,
    )
