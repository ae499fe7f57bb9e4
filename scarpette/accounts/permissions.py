"""The one role -> permission table. No other code compares role names.

Views call `require(user, Perm.X)` (403 when the object is visible but the action is not allowed);
selectors scope querysets through `has_perm`; templates use the `perms_for` context (see
accounts.context_processors).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATRICE = "operatrice", _("Operatrice")
    REFERENTE = "referente", _("Referente del centro")
    CONSULENTE_INPS = "consulente_inps", _("Consulente INPS")
    SPORTELLO_INPS = "sportello_inps", _("Operatore sportello INPS")
    TAVOLO = "tavolo", _("Membro del tavolo tecnico")
    AMMINISTRATORE = "amministratore", _("Amministratore")


class Perm(StrEnum):
    # Percorsi of her own centre
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    CASE_IDENTITY_REVEAL = "case.identity_reveal"
    CASE_CONSENT_MANAGE = "case.consent_manage"
    CASE_NOTE_WRITE = "case.note_write"
    CASE_APPLICATION_MANAGE = "case.application_manage"  # applications and outcomes (C7)
    CONSULTATION_ASK = "consultation.ask"
    TRANSMISSION_SEND = "transmission.send"  # the referent reviews and transmits to INPS
    CASE_SUBJECT_ACCESS = "case.subject_access"  # her right of access: export all held about her
    # Break-glass: read one percorso, found by its exact code, for a stated reason, for a while
    CASE_BREAK_GLASS = "case.break_glass"
    # INPS
    INBOX_WORK = "inps.inbox_work"  # transmitted percorsi of her office
    CONSULTATION_ANSWER = "inps.consultation_answer"
    # Her centre
    CENTRE_STAFF_MANAGE = "centre.staff_manage"
    CENTRE_AUDIT_VIEW = "centre.audit_view"
    # Platform configuration
    ORGANISATION_MANAGE = "platform.organisation_manage"
    ACCOUNT_MANAGE = "platform.account_manage"
    QUESTIONNAIRE_MANAGE = "platform.questionnaire_manage"
    NOTIFICATIONS_MANAGE = "platform.notifications_manage"  # failed and late e-mails, re-queue
    # Reference material: the measures catalogue and its rules
    MEASURES_VIEW = "measures.view"


_CENTRE_STAFF = {
    Perm.CASE_VIEW,
    Perm.CASE_CREATE,
    Perm.CASE_EDIT,
    Perm.CASE_IDENTITY_REVEAL,
    Perm.CASE_CONSENT_MANAGE,
    Perm.CASE_NOTE_WRITE,
    Perm.CASE_APPLICATION_MANAGE,
    Perm.CONSULTATION_ASK,
    Perm.MEASURES_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OPERATRICE: frozenset(_CENTRE_STAFF),
    Role.REFERENTE: frozenset(
        _CENTRE_STAFF
        | {
            Perm.CENTRE_STAFF_MANAGE,
            Perm.CENTRE_AUDIT_VIEW,
            Perm.TRANSMISSION_SEND,
            Perm.CASE_SUBJECT_ACCESS,
        }
    ),
    Role.CONSULENTE_INPS: frozenset(
        {Perm.INBOX_WORK, Perm.CONSULTATION_ANSWER, Perm.MEASURES_VIEW}
    ),
    Role.SPORTELLO_INPS: frozenset({Perm.MEASURES_VIEW}),
    Role.TAVOLO: frozenset({Perm.MEASURES_VIEW}),
    Role.AMMINISTRATORE: frozenset(
        {
            Perm.ORGANISATION_MANAGE,
            Perm.ACCOUNT_MANAGE,
            Perm.QUESTIONNAIRE_MANAGE,
            Perm.NOTIFICATIONS_MANAGE,
            Perm.MEASURES_VIEW,
            Perm.CASE_BREAK_GLASS,
        }
    ),
}

# Which organisation kinds each role may belong to (checked when accounts are created).
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.OPERATRICE: frozenset({"cav", "casa_rifugio"}),
    Role.REFERENTE: frozenset({"cav", "casa_rifugio"}),
    Role.CONSULENTE_INPS: frozenset({"inps"}),
    Role.SPORTELLO_INPS: frozenset({"inps"}),
    Role.TAVOLO: frozenset({"cav", "casa_rifugio", "inps", "comune", "citta_metropolitana", "ats"}),
    Role.AMMINISTRATORE: frozenset(),  # platform role, no organisation
}


def active_membership(user):
    """The user's active membership, or None. Read fresh on every request (revocation is immediate)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    if membership.organisation_id is not None and not membership.organisation.is_active:
        return None
    return membership


def permissions_of(user) -> frozenset[Perm]:
    membership = active_membership(user)
    if membership is None:
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset())


def has_perm(user, perm: Perm) -> bool:
    return perm in permissions_of(user)


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


def roles_with(perm: Perm) -> list[str]:
    """The roles that hold a permission (for queries such as "who can be assigned a percorso")."""
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
