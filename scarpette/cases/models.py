"""The percorso (a woman's path at a centre), its optional encrypted identity, notes and consents."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.permissions import Perm, active_membership, has_perm
from scarpette.core.crypto import EncryptedTextField
from scarpette.core.models import PublicIdModel, TimestampedModel

# No 0/O, 1/I/L: codes are read aloud and copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_case_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The one scope for percorsi: her own centre's, and nothing else (deny by default)."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        if has_perm(user, Perm.CASE_VIEW):
            return self.filter(centre_id=membership.organisation_id)
        if has_perm(user, Perm.CASE_BREAK_GLASS):
            # An administrator: exactly the percorsi of her unexpired break-glass grants.
            # A subquery, not a join: services lock this queryset (no DISTINCT with FOR UPDATE).
            granted = BreakGlassGrant.objects.active().filter(admin=user).values("case_id")
            return self.filter(pk__in=granted)
        return self.none()


class Case(PublicIdModel, TimestampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Aperto")
        SUSPENDED = "suspended", _("Sospeso")
        CLOSED = "closed", _("Chiuso")

    code = models.CharField(_("codice"), max_length=9, unique=True, default=new_case_code)
    centre = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    opened_on = models.DateField(_("aperto il"))
    closed_on = models.DateField(_("chiuso il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_cases", blank=True
    )
    # Set by the retention purge: identity, notes and free text are gone; code, dates, statuses
    # and outcomes stay for statistics. A set value makes the purge skip the percorso.
    anonymised_at = models.DateTimeField(_("anonimizzato il"), null=True, blank=True)
    # Bumped by every change of status or assignment: the edit forms carry it (no lost update).
    version = models.PositiveIntegerField(default=0)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("percorso")
        verbose_name_plural = _("percorsi")
        indexes = [
            models.Index(fields=["centre", "status", "-opened_on"], name="case_centre_status"),
            # The list's order (newest first, then the id): a page read from the index.
            models.Index(fields=["centre", "-opened_on", "-id"], name="case_centre_recent"),
            # "Her centre's percorsi" as a subquery of other apps' reads (applications, runs):
            # answered from the index alone, without reading the percorsi themselves.
            models.Index(fields=["centre", "id"], name="case_centre_ids"),
            # The search by code matches its beginning (LIKE 'ABCD-2%'): on PostgreSQL whatever
            # the database's collation (elsewhere the operator class is ignored).
            models.Index(
                fields=["code"], name="case_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_date",
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.code

    def break_glass_grant_for(self, user) -> BreakGlassGrant | None:
        """The unexpired grant through which `user` reads this percorso, if that is how she
        reads it (cases.access.get_visible_or_404 marks her every access as break-glass)."""
        if has_perm(user, Perm.CASE_VIEW) or not has_perm(user, Perm.CASE_BREAK_GLASS):
            return None
        return BreakGlassGrant.objects.active().filter(admin=user, case=self).first()


class BreakGlassGrantQuerySet(models.QuerySet):
    def active(self, at=None) -> BreakGlassGrantQuerySet:
        return self.filter(expires_at__gt=at or timezone.now())


class BreakGlassGrant(PublicIdModel):
    """An administrator's time-limited, read-only access to one percorso, for a stated reason.

    The centre's referent sees every grant (dashboard) and every access under it (access log).
    """

    REASON_MIN_LENGTH = 20

    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass_grants")
    reason = models.TextField(_("motivo"))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("scade il"))

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["admin", "case", "expires_at"], name="breakglass_admin_case"),
            models.Index(fields=["case", "-created_at"], name="breakglass_case_recent"),
        ]

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class CaseIdentity(TimestampedModel):
    """Who she is: optional, collected only when a procedure needs it, always encrypted."""

    class Channel(models.TextChoices):
        PHONE_CALL = "phone_call", _("Telefonata")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        THROUGH_CENTRE = "through_centre", _("Solo tramite il centro")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="identity")
    full_name = EncryptedTextField(_("nome e cognome"))
    # Her surname on its own, as she writes it: what the surname lookup finds (cases.indexes).
    surname = EncryptedTextField(_("cognome"))
    tax_code = EncryptedTextField(_("codice fiscale"))
    # Blind indexes (cases.indexes): HMACs for exact-match lookups, never the value in clear.
    tax_code_index = models.CharField(max_length=64, blank=True, db_index=True)
    surname_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("telefono"))
    email = EncryptedTextField(_("e-mail"))
    address = EncryptedTextField(_("indirizzo"))
    # Comma-separated Channel values, encrypted: even how she may be reached is sensitive.
    safe_channels = EncryptedTextField(_("canali sicuri"))
    safe_times = EncryptedTextField(_("orari sicuri"))
    # Bumped by every save: the edit form carries it, and a stale form is refused (no lost update).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("identità")
        verbose_name_plural = _("identità")

    @property
    def safe_channel_list(self) -> list[str]:
        return [c for c in self.safe_channels.split(",") if c]

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.full_name,
                self.surname,
                self.tax_code,
                self.phone,
                self.email,
                self.address,
                self.safe_channels,
                self.safe_times,
            ]
        )


class CaseNote(PublicIdModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = EncryptedTextField(_("nota"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="casenote_case_recent")]


class Consent(PublicIdModel):
    """One consent given for one purpose; withdrawn by setting withdrawn_at (history is kept)."""

    class Purpose(models.TextChoices):
        TRANSMISSION = "transmission", _("Trasmissione dei risultati a INPS")
        CONSULTATION = "consultation", _("Consulenza con esperti INPS")
        SPORTELLO = "sportello", _("Appuntamento allo sportello INPS")
        STATISTICS = "statistics", _("Statistiche anonime")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalità"), max_length=16, choices=Purpose.choices)
    notice_version = models.CharField(_("versione dell'informativa"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # At most one consent in force per purpose: a double click records it once.
            models.UniqueConstraint(
                fields=["case", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class CaseEvent(models.Model):
    """The percorso's timeline, as shown on its page. Never holds content, only what happened."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Percorso aperto")
        STATUS_CHANGED = "status_changed", _("Stato cambiato")
        IDENTITY_UPDATED = "identity_updated", _("Dati identificativi aggiornati")
        NOTE_ADDED = "note_added", _("Nota aggiunta")
        CONSENT_GIVEN = "consent_given", _("Consenso registrato")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consenso revocato")
        ASSIGNMENT_CHANGED = "assignment_changed", _("Operatrici assegnate cambiate")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # A choice value (new status, consent purpose), never free text.
    value = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="caseevent_case_recent")]

    @property
    def value_label(self) -> str:
        """The recorded choice in words (a status or a consent purpose)."""
        for choices in (Case.Status, Consent.Purpose):
            if self.value in choices.values:
                return choices(self.value).label
        return self.value
