"""The outbox: one row per e-mail and recipient, written in the transaction of the change it
announces and delivered after commit by a background task (or the sweeper): at least once, and
de-duplicable by its stable Message-ID (see delivery.py)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What each template announces, in words for the administrator's page (services.TEMPLATES).
TEMPLATE_LABELS = {
    "new_transmission": _("Nuova trasmissione alla casella INPS"),
    "inps_reply": _("Risposta di INPS al centro"),
    "centre_reply": _("Risposta del centro alla casella INPS"),
    "consultation_new": _("Nuova consulenza alla casella INPS"),
    "consultation_answer": _("Risposta a una consulenza"),
    "deadline_reminder": _("Promemoria di scadenza"),
}


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        SENT = "sent", _("Inviato")
        FAILED = "failed", _("Non riuscito")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Idempotency key chosen by the caller ("transmission:<uuid>:sent"): the same event announced
    # twice (double click, replay, retried service) is one message per recipient.
    key = models.CharField(max_length=200)
    template = models.CharField(max_length=64)
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The error's class and SMTP code only: server replies may quote the recipient's address.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the message was queued, at creation or by a re-queue: the retry period
    # (NOTIFY_RETRY_HOURS) and lateness (NOTIFY_LATE_MINUTES) run from here.
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], name="notifications_outbox_key_recipient_unique"
            ),
        ]
        indexes = [
            # The sweeper's query: queued messages whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbox_due_idx"),
            models.Index(fields=["-created_at"], name="notif_outbox_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.public_id} ({self.status})"

    @property
    def template_label(self) -> str:
        return TEMPLATE_LABELS.get(self.template, _("Altra notifica"))

    @property
    def recipient_masked(self) -> str:
        """The address with the local part hidden but its first letter: "c***@demo.invalid"."""
        local, _at, domain = self.recipient.partition("@")
        return f"{local[:1]}***@{domain}"
