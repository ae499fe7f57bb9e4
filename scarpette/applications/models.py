"""Applications for measures filed for a percorso, their outcomes, and the deadlines to meet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scarpette.core.crypto import EncryptedTextField
from scarpette.core.models import PublicIdModel, TimestampedModel
from scarpette.screening.catalogue import measure_name
from scarpette.screening.facts import MEASURE_IDS

MEASURE_CHOICES = [(mid, mid) for mid in MEASURE_IDS]


class Application(PublicIdModel, TimestampedModel):
    """One application for one measure in one percorso, from preparation to payment."""

    class Status(models.TextChoices):
        TO_PREPARE = "to_prepare", _("Da preparare")
        DOCUMENTS_READY = "documents_ready", _("Documenti pronti")
        SUBMITTED = "submitted", _("Presentata")
        DECIDED = "decided", _("Esito ricevuto")
        PAID = "paid", _("Pagata")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Accolta")
        REJECTED = "rejected", _("Respinta")
        PARTIALLY_GRANTED = "partially_granted", _("Accolta in parte")

    class AmountPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Mensile")
        ONE_OFF = "one_off", _("Una tantum")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="applications")
    measure = models.CharField(_("misura"), max_length=40, choices=MEASURE_CHOICES)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.TO_PREPARE
    )
    # Indexes into the screening result's document list that the operator has ticked.
    documents_ready = models.JSONField(default=list, blank=True)
    submitted_on = models.DateField(_("presentata il"), null=True, blank=True)
    channel = models.CharField(_("canale"), max_length=100, blank=True)
    # A protocol number identifies her at INPS: encrypted like the rest of her identity.
    protocol_number = EncryptedTextField(_("numero di protocollo"))
    outcome = models.CharField(_("esito"), max_length=20, choices=Outcome.choices, blank=True)
    amount = models.DecimalField(
        _("importo (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    amount_period = models.CharField(
        _("periodicità"), max_length=10, choices=AmountPeriod.choices, blank=True
    )
    start_on = models.DateField(_("decorrenza"), null=True, blank=True)
    paid_on = models.DateField(_("primo pagamento il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped by every update: the form carries it, and a stale form is refused (no lost update).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "measure"], name="application_case_measure"),
            models.CheckConstraint(
                name="application_amount_not_negative",
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.measure}"

    @property
    def measure_name(self) -> str:
        return measure_name(self.measure)


class ApplicationEvent(models.Model):
    """A step of the timeline: who moved the application to which status, and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Application.Status.choices)

    class Meta:
        ordering = ["at", "id"]


class Deadline(models.Model):
    """A date by which something must be done for a measure (computed from the screening facts)."""

    class Kind(models.TextChoices):
        APPLY_BY = "apply_by", _("Presentare la domanda entro")
        USE_BY = "use_by", _("Usare il congedo entro")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    measure = models.CharField(max_length=40, choices=MEASURE_CHOICES)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    legal_basis = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "measure", "kind"], name="deadline_case_measure_kind"
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="deadline_due")]

    @property
    def measure_name(self) -> str:
        return measure_name(self.measure)
