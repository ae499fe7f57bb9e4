"""Changes to applications and deadlines. Each service: one transaction, permission and scope
re-checked, audit event written (identifiers and field names only, never values).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, require
from scarpette.applications.models import Application, ApplicationEvent, Deadline
from scarpette.audit.services import audit_log
from scarpette.cases.models import Case
from scarpette.cases.services import case_audit, case_lock
from scarpette.core.conflicts import check_version
from scarpette.core.idempotency import idempotency_claim, idempotency_result
from scarpette.core.locking import lock
from scarpette.questionnaire.selectors import latest_run
from scarpette.screening.deadlines import compute_deadlines
from scarpette.screening.facts import MEASURE_IDS

STATUS_ORDER: tuple[str, ...] = tuple(Application.Status.values)
# The fields an operator may set through application_update (status and documents aside).
STEP_FIELDS = (
    "submitted_on",
    "channel",
    "protocol_number",
    "outcome",
    "amount",
    "amount_period",
    "start_on",
    "paid_on",
)


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status)


def _visible_case(actor, case: Case, *, lock: bool = False) -> Case:
    """Re-read the percorso through the actor's scope (services trust no caller)."""
    if lock:
        return case_lock(actor=actor, case=case)
    found = Case.objects.visible_to(actor).filter(pk=case.pk).first()
    if found is None:
        raise PermissionDenied
    return found


@transaction.atomic
def application_start(
    *, actor, case: Case, measure: str, idempotency_key: str | None = None
) -> Application:
    """Start (or return the existing) application for one measure of a percorso.

    Permission: case.application_manage, on a percorso of the actor's centre. Idempotent: one
    application per (percorso, measure); only a new one writes an event and an audit record.
    """
    require(actor, Perm.CASE_APPLICATION_MANAGE)
    claim = idempotency_claim(
        actor=actor, key=idempotency_key, scope="applications.application.start"
    )
    case = _visible_case(actor, case, lock=True)
    if measure not in MEASURE_IDS:
        raise ValidationError({"measure": _("Misura non valida.")})
    application, created = Application.objects.get_or_create(
        case=case, measure=measure, defaults={"created_by": actor}
    )
    if created:
        ApplicationEvent.objects.create(
            application=application, actor=actor, status=application.status
        )
        audit_log(
            actor=actor,
            action="applications.application.created",
            obj=application,
            organisation_id=case.centre_id,
            detail={"case": str(case.public_id), "measure": measure},
        )
    idempotency_result(claim, application)
    return application


def _parse_date(value, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Data non valida."))
        return None


def _parse_amount(value, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault("amount", []).append(_("Importo non valido."))
        return None
    if not amount.is_finite():
        errors.setdefault("amount", []).append(_("Importo non valido."))
        return None
    if amount < 0:
        errors.setdefault("amount", []).append(_("L'importo non può essere negativo."))
        return None
    if amount >= Decimal("100000000"):
        errors.setdefault("amount", []).append(_("Importo troppo alto."))
        return None
    return amount.quantize(Decimal("0.01"))


def _clean(application: Application, data: dict, today: date) -> dict:
    """Validate `data` against the application's current state; return the new values.

    Raises ValidationError keyed by field name. Status only moves forward; each status requires
    what makes it true (a submitted application has a date and a channel, a decided one an outcome,
    a paid one a payment date).
    """
    errors: dict[str, list[str]] = {}
    status = data.get("status", application.status) or application.status
    if status not in STATUS_ORDER:
        errors["status"] = [_("Stato non valido.")]
        status = application.status
    elif _rank(status) < _rank(application.status):
        errors["status"] = [_("Lo stato di una domanda non può tornare indietro.")]
        status = application.status

    values: dict = {"status": status}
    for field in STEP_FIELDS:
        raw = data.get(field, getattr(application, field))
        if field in ("submitted_on", "start_on", "paid_on"):
            values[field] = _parse_date(raw, field, errors)
        elif field == "amount":
            values[field] = _parse_amount(raw, errors)
        else:
            values[field] = (raw or "").strip() if isinstance(raw, str) else (raw or "")

    if values["outcome"] and values["outcome"] not in Application.Outcome.values:
        errors.setdefault("outcome", []).append(_("Esito non valido."))
    if values["amount_period"] and values["amount_period"] not in Application.AmountPeriod.values:
        errors.setdefault("amount_period", []).append(_("Periodicità non valida."))
    if len(values["channel"]) > 100:
        errors.setdefault("channel", []).append(_("Al massimo 100 caratteri."))
    if len(values["protocol_number"]) > 100:
        errors.setdefault("protocol_number", []).append(_("Al massimo 100 caratteri."))

    rank = _rank(status)
    if rank >= _rank(Application.Status.SUBMITTED):
        if values["submitted_on"] is None and "submitted_on" not in errors:
            errors["submitted_on"] = [_("Indica la data di presentazione.")]
        elif values["submitted_on"] is not None and values["submitted_on"] > today:
            errors["submitted_on"] = [_("La data di presentazione non può essere futura.")]
        if not values["channel"]:
            errors.setdefault("channel", []).append(_("Indica il canale di presentazione."))
    if rank >= _rank(Application.Status.DECIDED) and not values["outcome"]:
        errors.setdefault("outcome", []).append(_("Indica l'esito."))
    if status == Application.Status.PAID:
        if values["outcome"] == Application.Outcome.REJECTED:
            errors.setdefault("status", []).append(
                _("Una domanda respinta non può risultare pagata.")
            )
        if values["paid_on"] is None and "paid_on" not in errors:
            errors["paid_on"] = [_("Indica la data del pagamento.")]
        elif values["paid_on"] is not None and values["paid_on"] > today:
            errors["paid_on"] = [_("La data del pagamento non può essere futura.")]
    if values["amount"] is not None and not values["amount_period"] and "amount" not in errors:
        errors.setdefault("amount_period", []).append(
            _("Indica se l'importo è mensile o una tantum.")
        )

    if "documents_ready" in data:
        try:
            values["documents_ready"] = sorted({int(i) for i in data["documents_ready"] or []})
        except (TypeError, ValueError):
            errors["documents_ready"] = [_("Documenti non validi.")]
        else:
            if any(i < 0 for i in values["documents_ready"]):
                errors["documents_ready"] = [_("Documenti non validi.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def application_update(
    *, actor, application: Application, data: dict, version: int | None = None
) -> Application:
    """Record the documents ready and the next step of an application (status only moves forward).

    Permission: case.application_manage, on a percorso of the actor's centre. Raises
    ValidationError keyed by field. Writes a timeline event when the status changes and one audit
    record naming the changed fields (never their values: a protocol number identifies her).
    Fields absent from `data` keep their value; `version` is the application's version when the
    form was loaded (EditConflict, nothing saved, if someone saved in between).
    """
    require(actor, Perm.CASE_APPLICATION_MANAGE)
    visible = Case.objects.visible_to(actor)
    application = (
        lock(Application.objects.filter(pk=application.pk, case__in=visible))
        .select_related("case")
        .first()
    )
    if application is None:
        raise PermissionDenied
    check_version(application, version)
    values = _clean(application, data, timezone.localdate())
    changed = [f for f, v in values.items() if getattr(application, f) != v]
    if not changed:
        return application
    for field in changed:
        setattr(application, field, values[field])
    application.version += 1
    application.save()
    if "status" in changed:
        ApplicationEvent.objects.create(
            application=application, actor=actor, status=application.status
        )
    audit_log(
        actor=actor,
        action="applications.application.updated",
        obj=application,
        organisation_id=application.case.centre_id,
        detail={
            "case": str(application.case.public_id),
            "status": application.status,
            "fields": sorted(changed),
        },
    )
    return application


@transaction.atomic
def deadlines_refresh(*, case: Case, run=None) -> list[Deadline]:
    """Recompute a percorso's deadlines from its latest screening run (`run`, when the caller
    already has it: just saved, or read with the others by `latest_runs`).

    No permission (derived data): called when a screening run is saved (`screening_saved`, in its
    transaction) and by the reminder command; never by a page view. Deadlines that no longer
    apply are removed; an unchanged one keeps its reminder state. Writes an audit record only when
    something changed.
    """
    run = run if run is not None else latest_run(case=case)
    specs = compute_deadlines(run.facts, run.results) if run is not None else []
    kept: list[Deadline] = []
    changed = False
    for spec in specs:
        deadline, created = Deadline.objects.get_or_create(
            case=case,
            measure=spec.measure,
            kind=spec.kind,
            defaults={"due_on": spec.due_on, "legal_basis": spec.legal_basis},
        )
        if not created and (deadline.due_on, deadline.legal_basis) != (
            spec.due_on,
            spec.legal_basis,
        ):
            if deadline.due_on != spec.due_on:
                deadline.reminded_at = None  # a new date deserves its own reminder
            deadline.due_on = spec.due_on
            deadline.legal_basis = spec.legal_basis
            deadline.save()
            changed = True
        changed = changed or created
        kept.append(deadline)
    stale = Deadline.objects.filter(case=case).exclude(pk__in=[d.pk for d in kept])
    if stale.exists():
        stale.delete()
        changed = True
    if changed:
        case_audit(
            actor=None,
            action="applications.deadlines.refreshed",
            case=case,
            deadlines=[f"{d.measure}:{d.kind}" for d in kept],
        )
    return kept


def deadlines_on_screening_saved(sender, *, runs, **kwargs) -> None:
    """Receiver of questionnaire's `screening_saved`: the deadlines follow the newest run."""
    for run in runs:
        deadlines_refresh(case=run.case, run=run)


def _reminder_days() -> int:
    return int(getattr(settings, "DEADLINE_REMINDER_DAYS", 14))


@transaction.atomic
def deadlines_send_reminders(*, today: date) -> int:
    """Remind the operators assigned to a percorso of each deadline due within the reminder window.

    Reached from the `send_deadline_reminders` command (no actor, no permission). A deadline is
    reminded once (reminded_at); mail is queued through notifications.notify, whose key makes a
    repeat harmless, and carries only a link. An "apply by" deadline whose application is already
    submitted is not reminded; closed percorsi are skipped. Returns the number of deadlines
    reminded.
    """
    from datetime import timedelta

    from scarpette.notifications.services import notify

    horizon = today + timedelta(days=_reminder_days())
    due = (
        lock(
            Deadline.objects.filter(
                reminded_at__isnull=True, due_on__gte=today, due_on__lte=horizon
            )
        )
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case")
        .order_by("due_on", "id")
    )
    submitted = [s for s in STATUS_ORDER if _rank(s) >= _rank(Application.Status.SUBMITTED)]
    reminded = 0
    for deadline in due:
        case = deadline.case
        if (
            deadline.kind == Deadline.Kind.APPLY_BY
            and Application.objects.filter(
                case=case, measure=deadline.measure, status__in=submitted
            ).exists()
        ):
            continue
        link = settings.SITE_URL.rstrip("/") + reverse(
            "applications:application_list", kwargs={"case_id": case.public_id}
        )
        recipients = 0
        for user in case.assigned_to.filter(is_active=True).order_by("pk"):
            # Only operators who can still open the percorso (moved or revoked staff get nothing).
            if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
                continue
            notify(
                key=f"deadline:{deadline.pk}:{user.pk}",
                to=user.email,
                template="deadline_reminder",
                context={"link": link},
            )
            recipients += 1
        deadline.reminded_at = timezone.now()
        deadline.save(update_fields=["reminded_at"])
        case_audit(
            actor=None,
            action="applications.deadline.reminded",
            case=case,
            deadline=deadline.pk,
            recipients=recipients,
        )
        reminded += 1
    return reminded


# --- Retention ---------------------------------------------------------------------------------


def applications_anonymise_case(*, case: Case) -> dict[str, int]:
    """Erase what identifies her at INPS (protocol number) and free text (channel); keep the
    measure, statuses, dates, outcome and amount for statistics.

    System operation (no actor): called only by the retention purge, inside its transaction and
    under the percorso's row lock.
    """
    applications = Application.objects.filter(case=case).update(protocol_number="", channel="")
    return {"applications": applications}
