"""The channel to INPS: transmissions of a percorso's screening, the shared timeline, advice per
measure, and consultations (question-and-answer threads with an INPS specialist)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.permissions import Perm, active_membership, has_perm
from scarpette.cases.models import Consent
from scarpette.core.crypto import EncryptedTextField
from scarpette.core.models import PublicIdModel


def _consent_in_force(purpose: str):
    return Exists(
        Consent.objects.filter(case_id=OuterRef("case_id"), purpose=purpose, withdrawn_at=None)
    )


def _scope(qs, user, *, purpose: str):
    """Centre staff see their centre's; INPS specialists see what was sent to their office, and
    only while the woman's consent for that purpose is in force: after she withdraws it, INPS
    meets a 404 as if it had never existed (checked here on every read, not only when sent)."""
    membership = active_membership(user)
    if membership is None:
        return qs.none()
    if has_perm(user, Perm.CASE_VIEW):
        return qs.filter(centre_id=membership.organisation_id)
    if has_perm(user, Perm.INBOX_WORK):
        return (
            qs.filter(office_id=membership.organisation_id)
            .exclude(status="withdrawn")
            .filter(_consent_in_force(purpose))
        )
    return qs.none()


def _office_rows(qs, user):
    """Every row sent to an INPS specialist's office, withdrawn ones included, for her lists and
    counts. It does not join the consents: when she withdraws a consent, the same transaction
    marks what travelled under it "withdrawn" (referrals.services.on_consent_withdrawn), so the
    status says it. The pages re-check the consent of the rows they show (`consent_missing`) and
    of any row they open (`visible_to`), so a broken invariant still shows nothing."""
    membership = active_membership(user)
    if membership is None or not has_perm(user, Perm.INBOX_WORK):
        return qs.none()
    return qs.filter(office_id=membership.organisation_id)


def consent_missing(rows, purpose: str) -> set[int]:
    """The ids of `rows` (not withdrawn) whose percorso has no consent in force for `purpose`:
    one query for the rows of a page."""
    shown = {row.case_id for row in rows if row.status != "withdrawn"}
    if not shown:
        return set()
    in_force = set(
        Consent.objects.filter(case_id__in=shown, purpose=purpose, withdrawn_at=None).values_list(
            "case_id", flat=True
        )
    )
    return {row.pk for row in rows if row.status != "withdrawn" and row.case_id not in in_force}


class TransmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scope(self, user, purpose=Consent.Purpose.TRANSMISSION)

    def office_rows(self, user):
        return _office_rows(self, user)


class _CentreCopied(PublicIdModel):
    """A row that carries its percorso's centre (`centre`, copied from `case` when first saved)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.centre_id is None and self.case_id is not None:
            self.centre_id = self.case.centre_id
        super().save(*args, **kwargs)


class Transmission(_CentreCopied):
    class Status(models.TextChoices):
        SENT = "sent", _("Inviata")
        ACKNOWLEDGED = "acknowledged", _("Presa in carico")
        INFO_REQUESTED = "info_requested", _("Richieste informazioni")
        CLOSED = "closed", _("Chiusa")
        WITHDRAWN = "withdrawn", _("Ritirata: consenso revocato")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="transmissions")
    # The case's centre, copied when the row is made (a percorso never changes centre): the
    # centre's lists and work queue read their own rows from an index, without joining every
    # percorso of the centre.
    centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the indexes below lead with it
    )
    office = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="inbox"
    )
    run = models.ForeignKey(
        "questionnaire.ScreeningRun", on_delete=models.PROTECT, related_name="transmissions"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    # What travels: code, facts, results, needs and the centre's question. Never her identity.
    payload_json = EncryptedTextField()
    # The measure ids the screening found possible or to check (a copy of what the payload says,
    # in clear like Advice.measure and Consultation.measures): the inbox lists and filters them.
    measures = models.JSONField(default=list, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = TransmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # The same screening travels once: a double click or a second tab makes one. After a
            # withdrawal (consent revoked) it may travel again once consent is given anew.
            models.UniqueConstraint(
                fields=["case", "run"],
                condition=~Q(status="withdrawn"),
                name="transmission_once_per_run",
            ),
        ]
        indexes = [
            # The office's counts by status (how many, the oldest, hers) from the index alone.
            models.Index(
                fields=["office", "status", "sent_at", "assigned_to"], name="transmission_inbox"
            ),
            # The centres' work queue: what INPS asked about and still waits for an answer.
            models.Index(
                fields=["centre"],
                condition=Q(status="info_requested"),
                name="transmission_info_requested",
            ),
            models.Index(fields=["centre", "-sent_at"], name="transmission_centre"),
            # The inbox in date order (either way) reads the first page, not the whole office.
            models.Index(fields=["office", "sent_at", "id"], name="transmission_office_sent"),
        ]

    @property
    def payload(self) -> dict:
        return json.loads(self.payload_json) if self.payload_json else {}


class TransmissionEvent(models.Model):
    """The timeline both sides see."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Trasmessa a INPS")
        ASSIGNED = "assigned", _("Assegnata a una consulente")
        ACKNOWLEDGED = "acknowledged", _("Ricevuta e presa in carico")
        INFO_REQUESTED = "info_requested", _("INPS chiede altre informazioni")
        INFO_PROVIDED = "info_provided", _("Il centro ha risposto")
        ADVICE = "advice", _("Parere registrato")
        CLOSED = "closed", _("Chiusa")
        WITHDRAWN = "withdrawn", _("Consenso revocato: la segnalazione è ritirata")

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    measure = models.CharField(max_length=40, blank=True)
    text = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]

    @property
    def title(self) -> str:
        """The event in words on both sides' timelines. The centre's answer to a request for
        information is announced as the reply it is (the stored label predates the wording)."""
        if self.kind == self.Kind.INFO_PROVIDED:
            return str(_("Risposta del centro ricevuta"))
        return self.get_kind_display()


class Advice(models.Model):
    """INPS's advice on one measure of a transmission (the latest one counts)."""

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="advice")
    measure = models.CharField(max_length=40)
    text = EncryptedTextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transmission", "measure"], name="advice_per_measure")
        ]


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scope(self, user, purpose=Consent.Purpose.CONSULTATION)

    def office_rows(self, user):
        return _office_rows(self, user)


class Consultation(_CentreCopied):
    class Status(models.TextChoices):
        OPEN = "open", _("Aperta")
        ANSWERED = "answered", _("Risposta data")
        CLOSED = "closed", _("Chiusa")
        WITHDRAWN = "withdrawn", _("Ritirata: consenso revocato")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consultations")
    # The case's centre, as on Transmission.
    centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the indexes below lead with it
    )
    office = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    measures = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    first_answer_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "-asked_at"], name="consultation_inbox"),
            # The centres' work queue: answers from INPS still to read.
            models.Index(
                fields=["centre"], condition=Q(status="answered"), name="consultation_answered"
            ),
            models.Index(fields=["centre", "-asked_at"], name="consultation_centre"),
            models.Index(fields=["office", "asked_at", "id"], name="consultation_office_asked"),
        ]

    @property
    def response_time(self):
        return self.first_answer_at - self.asked_at if self.first_answer_at else None


class ConsultationMessage(models.Model):
    class Side(models.TextChoices):
        CENTRE = "centre", _("Centro")
        INPS = "inps", _("INPS")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    text = EncryptedTextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
