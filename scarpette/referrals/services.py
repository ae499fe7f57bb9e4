"""Changes on the channel to INPS. One transaction each, permission and scope re-checked, an
audit event, and a neutral notification sent after commit through the outbox."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.models import Organisation, User
from scarpette.accounts.permissions import Perm, active_membership, has_perm, require, roles_with
from scarpette.cases.models import Case, Consent
from scarpette.cases.selectors import case_has_consent
from scarpette.cases.services import case_audit, case_lock
from scarpette.core.idempotency import AlreadyDone, idempotency_claim, idempotency_result
from scarpette.core.locking import lock
from scarpette.questionnaire.models import CaseNeed, ScreeningRun
from scarpette.questionnaire.selectors import latest_run
from scarpette.referrals.models import (
    Advice,
    Consultation,
    ConsultationMessage,
    Transmission,
    TransmissionEvent,
)
from scarpette.screening.facts import MEASURE_IDS

MAX_TEXT = 4000


def _link(name: str, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _notify(**kwargs) -> None:
    from scarpette.notifications.services import notify

    notify(**kwargs)


def _centre_referents(case: Case) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            membership__is_active=True,
            membership__organisation_id=case.centre_id,
            membership__role__in=roles_with(Perm.TRANSMISSION_SEND),
        ).values_list("email", flat=True)
    )


def _clean_text(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(_("Scrivi il testo."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Il testo è troppo lungo (massimo 4000 caratteri)."))
    if "\x00" in text:
        # Services are reached from commands too; PostgreSQL refuses NUL in text.
        raise ValidationError(_("Il testo contiene caratteri non ammessi."))
    return text


# --- Transmission --------------------------------------------------------------------------


def payload_for(run: ScreeningRun, question: str) -> dict:
    """The minimum that travels: pseudonymous code, facts, results, needs, the centre's question."""
    return {
        "code": run.case.code,
        "as_of": run.as_of.isoformat(),
        "rules_version": run.rules_version,
        "facts": run.facts,
        "results": [
            {"measure": r["measure"], "status": r["status"], "missing": r["missing"]}
            for r in run.results
        ],
        "needs": sorted(CaseNeed.objects.filter(case=run.case).values_list("need", flat=True)),
        "question": question,
    }


def concerned_measures(results: list[dict]) -> list[str]:
    """The measures a screening concerns: those found possible or still to check."""
    from scarpette.screening.vocabulary import ResultStatus

    wanted = {ResultStatus.ELIGIBLE, ResultStatus.UNDETERMINED}
    return [r["measure"] for r in results if r.get("status") in wanted]


@transaction.atomic
def transmission_send(
    *,
    actor,
    case: Case,
    office: Organisation,
    question: str = "",
    idempotency_key: str | None = None,
) -> Transmission:
    """The referent transmits the percorso's latest screening to an INPS office.

    Permission: transmission.send, her centre. Refused without the woman's consent to
    transmission. Idempotent: the same screening run is transmitted once (unique constraint,
    row lock on the percorso), whatever the number of clicks or tabs; the form's key too.
    """
    require(actor, Perm.TRANSMISSION_SEND)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="referrals.transmission.send")
    case = case_lock(actor=actor, case=case)
    if not case_has_consent(case=case, purpose=Consent.Purpose.TRANSMISSION):
        raise ValidationError(
            _("Manca il consenso della donna alla trasmissione a INPS: registralo prima.")
        )
    if office.kind != Organisation.Kind.INPS or not office.is_active:
        raise ValidationError(_("Scegli una sede INPS."))
    run = latest_run(case=case)
    if run is None:
        raise ValidationError(_("Il percorso non ha ancora uno screening da trasmettere."))
    existing = (
        Transmission.objects.filter(case=case, run=run)
        .exclude(status=Transmission.Status.WITHDRAWN)
        .first()
    )
    if existing is not None:
        idempotency_result(claim, existing)
        return existing
    try:
        with transaction.atomic():
            payload = payload_for(run, _clean_text(question, required=False))
            sent = Transmission.objects.create(
                case=case,
                centre_id=case.centre_id,
                office=office,
                run=run,
                payload_json=json.dumps(payload),
                measures=concerned_measures(payload["results"]),
                sent_by=actor,
            )
    except IntegrityError:
        return Transmission.objects.get(case=case, run=run)
    TransmissionEvent.objects.create(transmission=sent, actor=actor, kind="sent")
    case_audit(
        actor=actor,
        action="referrals.transmission.sent",
        case=case,
        transmission=str(sent.public_id),
    )
    _notify(
        key=f"transmission:{sent.public_id}:sent",
        to=settings.INPS_MAILBOX,
        template="new_transmission",
        context={"link": _link("referrals:inbox_detail", public_id=sent.public_id)},
    )
    idempotency_result(claim, sent)
    return sent


def _locked_transmission(actor, transmission: Transmission) -> Transmission:
    locked = (
        lock(Transmission.objects.visible_to(actor).filter(pk=transmission.pk))
        .select_related("case")
        .first()
    )
    if locked is None:
        raise PermissionDenied
    return locked


def _inps_step(
    actor,
    transmission: Transmission,
    kind: str,
    *,
    status: str | None = None,
    text: str = "",
    measure: str = "",
    notify_centre: bool = False,
    idempotency_key: str | None = None,
) -> Transmission:
    """One step of INPS's work on a transmission, under the row lock, claimed by the form's key.

    Steps that change state are idempotent by state too: a transition that already happened
    (by anyone, from any tab) raises AlreadyDone and writes no event, no audit, no mail.
    """
    require(actor, Perm.INBOX_WORK)
    claim = idempotency_claim(
        actor=actor, key=idempotency_key, scope=f"referrals.transmission.{kind}"
    )
    transmission = _locked_transmission(actor, transmission)
    if transmission.status == Transmission.Status.CLOSED:
        if status == Transmission.Status.CLOSED:
            raise AlreadyDone(_("La segnalazione è già chiusa."))
        raise ValidationError(_("La segnalazione è chiusa."))
    if status == Transmission.Status.ACKNOWLEDGED and transmission.status != "sent":
        raise AlreadyDone(_("La ricezione è già stata confermata."))
    if status:
        transmission.status = status
    if transmission.assigned_to_id is None:
        transmission.assigned_to = actor
    if status == Transmission.Status.CLOSED:
        transmission.closed_at = timezone.now()
    transmission.save()
    TransmissionEvent.objects.create(
        transmission=transmission, actor=actor, kind=kind, text=text, measure=measure
    )
    case_audit(
        actor=actor,
        action=f"referrals.transmission.{kind}",
        case=transmission.case,
        transmission=str(transmission.public_id),
        **({"measure": measure} if measure else {}),
    )
    if notify_centre:
        count = transmission.events.filter(kind=kind).count()
        for email in _centre_referents(transmission.case):
            _notify(
                key=f"transmission:{transmission.public_id}:{kind}:{count}",
                to=email,
                template="inps_reply",
                context={"link": _link("referrals:case_inps", case_id=transmission.case.public_id)},
            )
    idempotency_result(claim, transmission)
    return transmission


@transaction.atomic
def transmission_claim(
    *, actor, transmission: Transmission, idempotency_key: str | None = None
) -> Transmission:
    """An INPS specialist takes the transmission (assigned to her). Permission: inps.inbox_work.

    Claiming a transmission still "sent" is taking it in charge: it runs the acknowledgement
    itself (`_acknowledge`: status "Presa in carico", the "acknowledged" event in the shared
    timeline, its audit event and the receipt mail to the centre), assigned to her. Claiming one
    already acknowledged but unassigned only assigns it. Already held (by a colleague or by her):
    AlreadyDone says by whom, and nothing is written, nobody is mailed.
    """
    require(actor, Perm.INBOX_WORK)
    locked = _locked_transmission(actor, transmission)
    if locked.assigned_to_id == actor.pk:
        raise AlreadyDone(_("Hai già preso in carico questa segnalazione."))
    if locked.assigned_to_id is not None:
        raise AlreadyDone(_("Già presa in carico da un'altra persona."))
    if locked.status == Transmission.Status.SENT:
        return _acknowledge(actor, locked, idempotency_key=idempotency_key)
    return _inps_step(actor, locked, "assigned", idempotency_key=idempotency_key)


def office_specialists(actor):
    """The INPS specialists of the actor's office (who can be assigned a transmission)."""
    membership = active_membership(actor)
    if membership is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        membership__is_active=True,
        membership__organisation_id=membership.organisation_id,
        membership__role__in=roles_with(Perm.INBOX_WORK),
    ).order_by("full_name")


@transaction.atomic
def transmission_assign(
    *, actor, transmission: Transmission, assignee_public_id, idempotency_key: str | None = None
) -> Transmission:
    """Assign the transmission to a specialist of the same office. Permission: inps.inbox_work."""
    assignee = office_specialists(actor).filter(public_id=assignee_public_id).first()
    if assignee is None:
        raise ValidationError(_("Scegli una consulente della tua sede."))
    transmission = _inps_step(actor, transmission, "assigned", idempotency_key=idempotency_key)
    transmission.assigned_to = assignee
    transmission.save(update_fields=["assigned_to"])
    return transmission


@transaction.atomic
def transmission_acknowledge(
    *, actor, transmission: Transmission, idempotency_key: str | None = None
) -> Transmission:
    """INPS confirms receipt, once: a second confirmation writes nothing and mails nobody."""
    return _acknowledge(actor, transmission, idempotency_key=idempotency_key)


def _acknowledge(actor, transmission: Transmission, *, idempotency_key: str | None) -> Transmission:
    """The one acknowledgement, reached by "Conferma ricezione" and by claiming a new
    transmission: status "Presa in carico", assigned to the actor if nobody holds it, the
    "acknowledged" event, its audit event and one receipt mail to the centre's referents."""
    return _inps_step(
        actor,
        transmission,
        "acknowledged",
        status="acknowledged",
        notify_centre=True,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def transmission_request_info(
    *, actor, transmission: Transmission, text: str, idempotency_key: str | None = None
) -> Transmission:
    return _inps_step(
        actor,
        transmission,
        "info_requested",
        status="info_requested",
        text=_clean_text(text),
        notify_centre=True,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def transmission_record_advice(
    *,
    actor,
    transmission: Transmission,
    measure: str,
    text: str,
    idempotency_key: str | None = None,
) -> Transmission:
    if measure not in MEASURE_IDS:
        raise ValidationError(_("Misura non valida."))
    text = _clean_text(text)
    transmission = _inps_step(
        actor,
        transmission,
        "advice",
        text=text,
        measure=measure,
        notify_centre=True,
        idempotency_key=idempotency_key,
    )
    Advice.objects.update_or_create(
        transmission=transmission, measure=measure, defaults={"text": text, "by": actor}
    )
    return transmission


@transaction.atomic
def transmission_close(
    *, actor, transmission: Transmission, idempotency_key: str | None = None
) -> Transmission:
    return _inps_step(
        actor,
        transmission,
        "closed",
        status="closed",
        notify_centre=True,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def transmission_answer_info(
    *, actor, transmission: Transmission, text: str, idempotency_key: str | None = None
) -> Transmission:
    """The centre answers INPS's request for more information. Permission: case.edit."""
    require(actor, Perm.CASE_EDIT)
    claim = idempotency_claim(
        actor=actor, key=idempotency_key, scope="referrals.transmission.info_provided"
    )
    transmission = _locked_transmission(actor, transmission)
    if transmission.status == Transmission.Status.WITHDRAWN:
        raise ValidationError(_("La segnalazione è stata ritirata: il consenso è stato revocato."))
    if transmission.status != Transmission.Status.INFO_REQUESTED:
        raise ValidationError(_("INPS non ha chiesto altre informazioni."))
    transmission.status = Transmission.Status.ACKNOWLEDGED
    transmission.save(update_fields=["status"])
    TransmissionEvent.objects.create(
        transmission=transmission, actor=actor, kind="info_provided", text=_clean_text(text)
    )
    case_audit(
        actor=actor,
        action="referrals.transmission.info_provided",
        case=transmission.case,
        transmission=str(transmission.public_id),
    )
    count = transmission.events.filter(kind="info_provided").count()
    _notify(
        key=f"transmission:{transmission.public_id}:info_provided:{count}",
        to=settings.INPS_MAILBOX,
        template="centre_reply",
        context={"link": _link("referrals:inbox_detail", public_id=transmission.public_id)},
    )
    idempotency_result(claim, transmission)
    return transmission


# --- Consultations ---------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(
    *,
    actor,
    case: Case,
    office: Organisation,
    measures: list[str],
    text: str,
    idempotency_key: str | None = None,
) -> Consultation:
    """A centre asks an INPS specialist. Permission: consultation.ask; her consent required.

    One consultation and one mail per submitted form (idempotency key).
    """
    require(actor, Perm.CONSULTATION_ASK)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="referrals.consultation.ask")
    case = case_lock(actor=actor, case=case)
    if not case_has_consent(case=case, purpose=Consent.Purpose.CONSULTATION):
        raise ValidationError(_("Manca il consenso della donna alla consulenza con INPS."))
    if office.kind != Organisation.Kind.INPS:
        raise ValidationError(_("Scegli una sede INPS."))
    measures = [m for m in measures if m in MEASURE_IDS]
    if not measures:
        raise ValidationError(_("Indica almeno una misura."))
    consultation = Consultation.objects.create(
        case=case, centre_id=case.centre_id, office=office, measures=measures, asked_by=actor
    )
    ConsultationMessage.objects.create(
        consultation=consultation, author=actor, side="centre", text=_clean_text(text)
    )
    case_audit(
        actor=actor,
        action="referrals.consultation.asked",
        case=case,
        consultation=str(consultation.public_id),
    )
    _notify(
        key=f"consultation:{consultation.public_id}:asked",
        to=settings.INPS_MAILBOX,
        template="consultation_new",
        context={"link": _link("referrals:consultation_detail", public_id=consultation.public_id)},
    )
    idempotency_result(claim, consultation)
    return consultation


@transaction.atomic
def consultation_reply(
    *, actor, consultation: Consultation, text: str, idempotency_key: str | None = None
) -> ConsultationMessage:
    """A message in the thread, from whichever side the actor is on; one per submitted form."""
    claim = idempotency_claim(
        actor=actor, key=idempotency_key, scope="referrals.consultation.reply"
    )
    locked = (
        lock(Consultation.objects.visible_to(actor).filter(pk=consultation.pk))
        .select_related("case")
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.status == Consultation.Status.WITHDRAWN:
        raise ValidationError(_("La consulenza è stata ritirata: il consenso è stato revocato."))
    if locked.status == Consultation.Status.CLOSED:
        raise ValidationError(_("La consulenza è chiusa."))
    inps = has_perm(actor, Perm.CONSULTATION_ANSWER)
    if not inps:
        require(actor, Perm.CONSULTATION_ASK)
    message = ConsultationMessage.objects.create(
        consultation=locked,
        author=actor,
        side="inps" if inps else "centre",
        text=_clean_text(text),
    )
    if inps:
        locked.status = Consultation.Status.ANSWERED
        if locked.first_answer_at is None:
            locked.first_answer_at = message.at
    else:
        locked.status = Consultation.Status.OPEN
    locked.save(update_fields=["status", "first_answer_at"])
    case_audit(
        actor=actor,
        action="referrals.consultation.replied",
        case=locked.case,
        consultation=str(locked.public_id),
        side=message.side,
    )
    count = locked.messages.count()
    _notify(
        key=f"consultation:{locked.public_id}:message:{count}",
        to=locked.asked_by.email if inps else settings.INPS_MAILBOX,
        template="consultation_answer" if inps else "consultation_new",
        context={"link": _link("referrals:consultation_detail", public_id=locked.public_id)},
    )
    idempotency_result(claim, locked)
    return message


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation) -> Consultation:
    locked = (
        lock(Consultation.objects.visible_to(actor).filter(pk=consultation.pk))
        .select_related("case")
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.status == Consultation.Status.CLOSED:
        raise AlreadyDone(_("La consulenza è già chiusa."))
    locked.status = Consultation.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    case_audit(
        actor=actor,
        action="referrals.consultation.closed",
        case=locked.case,
        consultation=str(locked.public_id),
    )
    return locked


# --- Consent withdrawn ------------------------------------------------------------------------


def withdraw_on_consent_withdrawal(*, actor, case: Case, purpose: str) -> None:
    """Withdraw what travelled to INPS under a consent she has just withdrawn.

    Called by cases.services.consent_withdraw inside its transaction, the percorso already locked
    (permission checked there). Transmissions (purpose transmission) and consultations (purpose
    consultation) of the percorso become "withdrawn": INPS no longer opens them (404), the centre
    sends nothing more under them, and both sides' timelines say so, without any data.
    """
    now = timezone.now()
    if purpose == Consent.Purpose.TRANSMISSION:
        # Every lock first, then the events and audit (the audit head is the last lock).
        transmissions = list(
            lock(
                Transmission.objects.filter(case=case).exclude(status=Transmission.Status.WITHDRAWN)
            ).order_by("pk")
        )
        for transmission in transmissions:
            transmission.status = Transmission.Status.WITHDRAWN
            transmission.withdrawn_at = now
            transmission.save(update_fields=["status", "withdrawn_at"])
            TransmissionEvent.objects.create(
                transmission=transmission, actor=actor, kind=TransmissionEvent.Kind.WITHDRAWN
            )
        for transmission in transmissions:
            case_audit(
                actor=actor,
                action="referrals.transmission.withdrawn",
                case=case,
                transmission=str(transmission.public_id),
            )
    elif purpose == Consent.Purpose.CONSULTATION:
        consultations = list(
            lock(
                Consultation.objects.filter(case=case).exclude(status=Consultation.Status.WITHDRAWN)
            ).order_by("pk")
        )
        for consultation in consultations:
            consultation.status = Consultation.Status.WITHDRAWN
            consultation.withdrawn_at = now
            consultation.save(update_fields=["status", "withdrawn_at"])
        for consultation in consultations:
            case_audit(
                actor=actor,
                action="referrals.consultation.withdrawn",
                case=case,
                consultation=str(consultation.public_id),
            )


def inps_offices():
    return Organisation.objects.filter(kind=Organisation.Kind.INPS, is_active=True)


def actor_office(actor):
    membership = active_membership(actor)
    return membership.organisation if membership else None


# --- Retention ---------------------------------------------------------------------------------


def referrals_anonymise_case(*, case: Case) -> dict[str, int]:
    """Erase the free text that travelled (question, facts, messages, advice); keep statuses,
    dates, the pseudonymous code and the results per measure.

    System operation (no actor): called only by the retention purge, inside its transaction and
    under the percorso's row lock.
    """
    from scarpette.questionnaire.services import anonymised_results

    transmissions = 0
    for transmission in Transmission.objects.filter(case=case):
        payload = transmission.payload
        payload["facts"] = {}
        payload["question"] = ""
        payload["results"] = anonymised_results(payload.get("results", []))
        transmission.payload_json = json.dumps(payload)
        transmission.save(update_fields=["payload_json"])
        transmissions += 1
    TransmissionEvent.objects.filter(transmission__case=case).update(text="")
    Advice.objects.filter(transmission__case=case).update(text="")
    messages = ConsultationMessage.objects.filter(consultation__case=case).update(text="")
    return {"transmissions": transmissions, "messages": messages}
