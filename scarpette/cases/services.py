"""Changes to percorsi. Each service: one transaction, permission re-checked, audit event written.

Services are reached from views, commands and (later) the API and tasks, so they never trust the
caller to have checked anything.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, active_membership, require
from scarpette.audit.services import audit_log
from scarpette.cases import contributions
from scarpette.cases.indexes import surname_index, tax_code_index
from scarpette.cases.models import (
    BreakGlassGrant,
    Case,
    CaseEvent,
    CaseIdentity,
    CaseNote,
    Consent,
    new_case_code,
)
from scarpette.cases.selectors import centre_staff_for_user
from scarpette.core.conflicts import check_version
from scarpette.core.idempotency import idempotency_claim, idempotency_result
from scarpette.core.locking import lock
from scarpette.core.validators import normalise_tax_code, validate_tax_code

IDENTITY_FIELDS = (
    "full_name",
    "surname",
    "tax_code",
    "phone",
    "email",
    "address",
    "safe_channels",
    "safe_times",
)


def case_lock(*, actor, case: Case) -> Case:
    """Re-read the percorso under a row lock, through the actor's scope: every service that
    changes a percorso (here and in later apps) starts here, trusting no caller."""
    locked = lock(Case.objects.visible_to(actor).filter(pk=case.pk)).first()
    if locked is None:
        raise PermissionDenied
    return locked


def case_audit(*, actor, action: str, case: Case, **detail) -> None:
    """Audit an action on a percorso: the record names the percorso and counts for its centre.
    Every app that acts on a percorso audits through here (`detail` as keyword arguments)."""
    audit_log(actor=actor, action=action, obj=case, organisation_id=case.centre_id, detail=detail)


def _event(case: Case, actor, kind: str, value: str = "") -> None:
    CaseEvent.objects.create(case=case, actor=actor, kind=kind, value=value)


@transaction.atomic
def case_open(*, actor, opened_on=None, assigned=(), idempotency_key: str | None = None) -> Case:
    """Open a percorso in the actor's centre under a fresh pseudonymous code.

    Permission: case.create. The centre is always the actor's own (never taken from input).
    One percorso per submitted form (idempotency key, see core/idempotency.py).
    """
    require(actor, Perm.CASE_CREATE)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="cases.case.open")
    membership = active_membership(actor)
    staff = set(centre_staff_for_user(user=actor).values_list("pk", flat=True))
    if any(user.pk not in staff for user in assigned):
        raise ValidationError(_("Si possono assegnare solo operatrici del proprio centro."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    code=new_case_code(),
                    centre_id=membership.organisation_id,
                    opened_on=opened_on or timezone.localdate(),
                    created_by=actor,
                )
            break
        except IntegrityError:  # a code collision: 31^8 codes make this vanishingly rare
            continue
    else:
        raise RuntimeError("could not allocate a percorso code")
    case.assigned_to.set(assigned or [actor])
    _event(case, actor, CaseEvent.Kind.OPENED)
    case_audit(actor=actor, action="cases.case.created", case=case)
    idempotency_result(claim, case)
    return case


@transaction.atomic
def case_set_status(*, actor, case: Case, status: str, version: int | None = None) -> Case:
    """Suspend, close or reopen. Permission: case.edit.

    `version` is the percorso's version when the form was loaded (EditConflict if it moved).
    """
    require(actor, Perm.CASE_EDIT)
    case = case_lock(actor=actor, case=case)
    if status not in Case.Status.values:
        raise ValidationError(_("Stato non valido."))
    check_version(case, version)
    if status == case.status:
        return case
    case.status = status
    case.closed_on = timezone.localdate() if status == Case.Status.CLOSED else None
    case.version += 1
    case.save(update_fields=["status", "closed_on", "version", "updated_at"])
    _event(case, actor, CaseEvent.Kind.STATUS_CHANGED, status)
    case_audit(actor=actor, action="cases.case.status_changed", case=case, status=status)
    return case


@transaction.atomic
def case_set_assigned(*, actor, case: Case, assigned, version: int | None = None) -> Case:
    """Choose the operators who follow the percorso. Permission: case.edit; own centre only.

    `version` is the percorso's version when the form was loaded (EditConflict if it moved).
    """
    require(actor, Perm.CASE_EDIT)
    case = case_lock(actor=actor, case=case)
    staff = set(centre_staff_for_user(user=actor).values_list("pk", flat=True))
    if not assigned or any(user.pk not in staff for user in assigned):
        raise ValidationError(_("Scegliere almeno un'operatrice del proprio centro."))
    check_version(case, version)
    case.assigned_to.set(assigned)
    case.version += 1
    case.save(update_fields=["version", "updated_at"])
    _event(case, actor, CaseEvent.Kind.ASSIGNMENT_CHANGED)
    case_audit(
        actor=actor,
        action="cases.case.assignment_changed",
        case=case,
        assigned=sorted(str(u.public_id) for u in assigned),
    )
    return case


@transaction.atomic
def case_update_identity(
    *, actor, case: Case, data: dict, version: int | None = None
) -> CaseIdentity:
    """Store her identity, encrypted. Permission: case.edit.

    Only the fields present in `data` change: an absent field keeps its value, an empty one
    erases it (clearing is an explicit choice). `version` is the identity's version when the form
    was loaded: if someone saved in between, nothing is saved and EditConflict carries the
    stored identity. The audit event names the fields that changed, never their values.
    """
    require(actor, Perm.CASE_EDIT)
    case = case_lock(actor=actor, case=case)
    identity, _created = CaseIdentity.objects.get_or_create(case=case)
    check_version(identity, version)
    data = {field: data[field] for field in IDENTITY_FIELDS if field in data}
    if "tax_code" in data:
        data["tax_code"] = normalise_tax_code(data["tax_code"] or "")
        if data["tax_code"]:
            validate_tax_code(data["tax_code"])
    changed = []
    for field, raw in data.items():
        value = (raw or "").strip()
        if getattr(identity, field) != value:
            setattr(identity, field, value)
            changed.append(field)
    if not changed:
        return identity
    identity.tax_code_index = tax_code_index(identity.tax_code)
    identity.surname_index = surname_index(identity.surname)
    identity.version += 1
    identity.save()
    _event(case, actor, CaseEvent.Kind.IDENTITY_UPDATED)
    case_audit(actor=actor, action="cases.identity.updated", case=case, fields=changed)
    return identity


def case_reveal_identity(*, actor, case: Case) -> CaseIdentity | None:
    """Return the identity in clear for display, writing the audit event first.

    Permission: case.identity_reveal.
    """
    require(actor, Perm.CASE_IDENTITY_REVEAL)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    identity = CaseIdentity.objects.filter(case=case).first()
    case_audit(actor=actor, action="cases.identity.revealed", case=case)
    return identity


@transaction.atomic
def case_add_note(*, actor, case: Case, text: str, idempotency_key: str | None = None) -> CaseNote:
    """Add an encrypted note. Permission: case.note_write. The audit holds no text.

    One note per submitted form (idempotency key).
    """
    require(actor, Perm.CASE_NOTE_WRITE)
    text = text.strip()
    if not text:
        raise ValidationError(_("La nota è vuota."))
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="cases.note.add")
    case = case_lock(actor=actor, case=case)
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    _event(case, actor, CaseEvent.Kind.NOTE_ADDED)
    case_audit(actor=actor, action="cases.note.created", case=case, note=str(note.public_id))
    idempotency_result(claim, note)
    return note


@transaction.atomic
def consent_record(
    *, actor, case: Case, purpose: str, idempotency_key: str | None = None
) -> Consent:
    """Record that she consents to one purpose, under the current information notice.

    Permission: case.consent_manage. Idempotent: a consent already in force is returned as is,
    and a form sent twice is refused by its key.
    """
    require(actor, Perm.CASE_CONSENT_MANAGE)
    if purpose not in Consent.Purpose.values:
        raise ValidationError(_("Finalità non valida."))
    idempotency_claim(actor=actor, key=idempotency_key, scope="cases.consent.give")
    case = case_lock(actor=actor, case=case)
    existing = case.consents.filter(purpose=purpose, withdrawn_at__isnull=True).first()
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        notice_version=settings.INFORMATION_NOTICE_VERSION,
        recorded_by=actor,
    )
    _event(case, actor, CaseEvent.Kind.CONSENT_GIVEN, purpose)
    case_audit(
        actor=actor,
        action="cases.consent.given",
        case=case,
        purpose=purpose,
        notice=consent.notice_version,
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor, case: Case, purpose: str, idempotency_key: str | None = None
) -> None:
    """Withdraw her consent for one purpose; the record stays, dated, and what was shared under
    it is withdrawn too (each app's `on_consent_withdrawn`, cases.contributions). Permission: case.consent_manage.

    Idempotent by state (nothing in force, nothing written) and by the form's key.
    """
    require(actor, Perm.CASE_CONSENT_MANAGE)
    idempotency_claim(actor=actor, key=idempotency_key, scope="cases.consent.withdraw")
    case = case_lock(actor=actor, case=case)
    updated = case.consents.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=actor
    )
    if not updated:
        return
    for contributor in contributions.contributors():
        if contributor.on_consent_withdrawn is not None:
            contributor.on_consent_withdrawn(actor=actor, case=case, purpose=purpose)
    _event(case, actor, CaseEvent.Kind.CONSENT_WITHDRAWN, purpose)
    case_audit(actor=actor, action="cases.consent.withdrawn", case=case, purpose=purpose)


@transaction.atomic
def break_glass_open(*, actor, code: str, reason: str) -> BreakGlassGrant:
    """Give an administrator read-only access to the one percorso with this exact code, for
    BREAK_GLASS_MINUTES, for a stated reason.

    Permission: case.break_glass (the view also demands a fresh re-authentication). No search, no
    list: an unknown code is a field error. An unexpired grant of hers on the same percorso is
    returned as is (a double click opens one). The reason is stored on the grant and shown to the
    centre's referent; the audit event names the grant, never the reason.
    """
    require(actor, Perm.CASE_BREAK_GLASS)
    reason = (reason or "").strip()
    if len(reason) < BreakGlassGrant.REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Spiega il motivo in almeno %(n)d caratteri.")
                % {"n": BreakGlassGrant.REASON_MIN_LENGTH}
            }
        )
    code = (code or "").strip().upper()
    case = lock(Case.objects.filter(code=code)).first()
    if case is None:
        raise ValidationError({"code": _("Nessun percorso ha questo codice.")})
    existing = BreakGlassGrant.objects.active().filter(admin=actor, case=case).first()
    if existing is not None:
        return existing
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        admin=actor,
        case=case,
        reason=reason,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    case_audit(
        actor=actor,
        action="cases.break_glass.opened",
        case=case,
        grant=str(grant.public_id),
        expires_at=grant.expires_at.isoformat(),
    )
    return grant
