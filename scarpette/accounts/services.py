"""Changes to organisations and accounts."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from scarpette.accounts.models import Membership, Organisation, User
from scarpette.accounts.permissions import (
    ROLE_ORGANISATION_KINDS,
    Perm,
    Role,
    active_membership,
    has_perm,
    require,
    roles_with,
)
from scarpette.audit.services import audit_access_denied, audit_log
from scarpette.core.conflicts import check_version
from scarpette.core.idempotency import idempotency_claim, idempotency_result
from scarpette.core.locking import lock


def _send_activation(user: User, base_url: str) -> None:
    """A neutral e-mail with the link to choose a password (sent only after commit)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    body = render_to_string("accounts/email/activation.txt", {"link": base_url.rstrip("/") + path})
    transaction.on_commit(
        lambda: send_mail(_("Attivazione del tuo accesso"), body, None, [user.email])
    )


def _check_role_for_organisation(role: str, organisation: Organisation | None) -> None:
    kinds = ROLE_ORGANISATION_KINDS.get(role)
    if kinds is None:
        raise ValidationError({"role": _("Ruolo non valido.")})
    if role == Role.AMMINISTRATORE:
        if organisation is not None:
            raise ValidationError({"organisation": _("L'amministratore non appartiene a un ente.")})
        return
    if organisation is None or organisation.kind not in kinds:
        raise ValidationError(
            {"organisation": _("Questo ruolo non è previsto per questo tipo di ente.")}
        )


@transaction.atomic
def account_create(
    *,
    actor,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None,
    base_url: str,
    idempotency_key: str | None = None,
) -> User:
    """Create a staff account and send the activation link. Permission: platform.account_manage.

    One account and one mail per submitted form (idempotency key).
    """
    require(actor, Perm.ACCOUNT_MANAGE)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="accounts.user.create")
    _check_role_for_organisation(role, organisation)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Esiste già un account con questo indirizzo.")})
    user = User.objects.create_user(email=email, full_name=full_name.strip())
    Membership.objects.create(user=user, organisation=organisation, role=role)
    audit_log(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        organisation_id=organisation.pk if organisation else None,
        detail={"role": role},
    )
    _send_activation(user, base_url)
    idempotency_result(claim, user)
    return user


@transaction.atomic
def centre_operator_invite(
    *, actor, email: str, full_name: str, base_url: str, idempotency_key: str | None = None
) -> User:
    """A referent invites an operator into her own centre. Permission: centre.staff_manage.

    One account and one mail per submitted form (idempotency key).
    """
    require(actor, Perm.CENTRE_STAFF_MANAGE)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="accounts.user.invite")
    centre = active_membership(actor).organisation
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Esiste già un account con questo indirizzo.")})
    user = User.objects.create_user(email=email, full_name=full_name.strip())
    Membership.objects.create(user=user, organisation=centre, role=Role.OPERATRICE)
    audit_log(
        actor=actor,
        action="accounts.user.invited",
        obj=user,
        organisation_id=centre.pk,
        detail={"role": Role.OPERATRICE},
    )
    _send_activation(user, base_url)
    idempotency_result(claim, user)
    return user


def _user_for_manager(actor, user_public_id) -> User:
    """The account the actor may manage, locked: anyone for an administrator, her centre's
    operators (not other referents) for a referent. Raises User.DoesNotExist otherwise."""
    qs = User.objects.filter(public_id=user_public_id)
    if not has_perm(actor, Perm.ACCOUNT_MANAGE):
        require(actor, Perm.CENTRE_STAFF_MANAGE)
        qs = qs.filter(
            membership__organisation_id=active_membership(actor).organisation_id,
            membership__role__in=[
                role for role in Role.values if role not in roles_with(Perm.CENTRE_STAFF_MANAGE)
            ],
        )
    return lock(qs).get()


def account_access_denied(*, actor, user_public_id) -> None:
    """Record a refused attempt on an account the actor may not manage, for the account's
    organisation (its referent sees it). Runs outside the refused service's transaction."""
    organisation_id = (
        User.objects.filter(public_id=user_public_id)
        .values_list("membership__organisation_id", flat=True)
        .first()
    )
    audit_access_denied(
        actor=actor,
        object_type="accounts.user",
        object_id=str(user_public_id),
        organisation_id=organisation_id,
    )


def account_get_manageable(*, actor, user_public_id) -> User:
    """The account if the actor may manage it (User.DoesNotExist otherwise, for a 404)."""
    with transaction.atomic():
        return _user_for_manager(actor, user_public_id)


@transaction.atomic
def account_set_active(*, actor, user_public_id, active: bool) -> User:
    """Deactivate or reactivate an account; a deactivated user is refused on her next request.

    Permission: platform.account_manage, or centre.staff_manage for her own centre's operators.
    Nobody deactivates herself (a centre must never lose its last referent by mistake).
    `active` is the target state: asking for the state the account already has writes nothing.
    """
    user = _user_for_manager(actor, user_public_id)
    if user.pk == actor.pk:
        raise ValidationError(_("Non puoi disattivare il tuo stesso account."))
    if user.is_active == active:
        return user
    if not active:
        user.session_generation += 1  # every session of hers ends at its next request
    user.is_active = active
    user.save(update_fields=["is_active", "session_generation"])
    audit_log(
        actor=actor,
        action="accounts.user.activated" if active else "accounts.user.deactivated",
        obj=user,
        organisation_id=user.membership.organisation_id,
    )
    return user


@transaction.atomic
def account_change_role(
    *,
    actor,
    user: User,
    role: str,
    organisation: Organisation | None,
    version: int | None = None,
) -> User:
    """Change a user's role or organisation; effective on her next request.

    Permission: platform.account_manage. Callers require re-authentication first. `version` is
    the membership's version when the form was loaded (EditConflict if someone changed it since).
    """
    require(actor, Perm.ACCOUNT_MANAGE)
    _check_role_for_organisation(role, organisation)
    if user.pk == actor.pk:
        raise ValidationError(_("Non puoi cambiare il tuo stesso ruolo."))
    membership, created = lock(Membership.objects.all()).get_or_create(
        user=user, defaults={"role": role, "organisation": organisation}
    )
    if not created:
        check_version(membership, version)
    membership.version += 1
    before = membership.role
    membership.role = role
    membership.organisation = organisation
    membership.is_active = True
    membership.save()
    audit_log(
        actor=actor,
        action="accounts.membership.changed",
        obj=user,
        organisation_id=organisation.pk if organisation else None,
        detail={"from": before, "to": role},
    )
    return user


@transaction.atomic
def organisation_save(
    *,
    actor,
    organisation: Organisation,
    version: int | None = None,
    idempotency_key: str | None = None,
) -> Organisation:
    """Create or update an organisation. Permission: platform.organisation_manage.

    A creation is claimed by the form's key (one organisation per submitted form); an update
    checks `version` under the row lock (EditConflict carries the stored organisation).
    """
    require(actor, Perm.ORGANISATION_MANAGE)
    created = organisation.pk is None
    claim = None
    if created:
        claim = idempotency_claim(
            actor=actor, key=idempotency_key, scope="accounts.organisation.create"
        )
    else:
        stored = lock(Organisation.objects.filter(pk=organisation.pk)).get()
        check_version(stored, version)
        organisation.version = stored.version + 1
    organisation.full_clean()
    organisation.save()
    idempotency_result(claim, organisation)
    audit_log(
        actor=actor,
        action="accounts.organisation.created" if created else "accounts.organisation.updated",
        obj=organisation,
        organisation_id=organisation.pk,
    )
    return organisation


def site_base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}" if request else settings.SITE_URL
