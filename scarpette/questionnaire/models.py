"""Questionnaire versions, sessions (answers under a percorso), screening runs and needs."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scarpette.core.crypto import EncryptedTextField
from scarpette.core.models import PublicIdModel


class FormVersion(PublicIdModel):
    """One version of the XLSForm. Answers keep the version they were given under."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        PUBLISHED = "published", _("Pubblicata")
        RETIRED = "retired", _("Ritirata")

    form_id = models.CharField(max_length=64)
    version = models.CharField(_("versione"), max_length=32, unique=True)
    # The sheets as rows ({"survey": [...], "choices": [...], "settings": [...], "languages": [...]})
    rows = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.version


class QuestionnaireSession(PublicIdModel):
    class Mode(models.TextChoices):
        ASSISTED = "assisted", _("Con l'operatrice")
        SELF = "self", _("In autonomia sul tablet")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In corso")
        COMPLETED = "completed", _("Completato")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="questionnaire_sessions"
    )
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=16, choices=Mode.choices)
    language = models.CharField(max_length=8, default="it")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    # Answers are special-category data: stored encrypted as JSON.
    answers_json = EncryptedTextField()
    section_index = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Tablet hand-over: a short-lived code to open the session on the tablet (stored hashed),
    # and the code the tablet shows at the end for the operator to take the session back.
    tablet_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    tablet_code_expires_at = models.DateTimeField(null=True, blank=True)
    handback_code = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="qsession_case_recent"),
            # The centres' work queue: questionnaires and tablet sessions still open.
            models.Index(
                fields=["updated_at"],
                condition=models.Q(status="in_progress"),
                name="qsession_in_progress",
            ),
        ]

    @property
    def answers(self) -> dict:
        return json.loads(self.answers_json) if self.answers_json else {}

    @answers.setter
    def answers(self, value: dict) -> None:
        self.answers_json = json.dumps(value, ensure_ascii=False, sort_keys=True)


class ScreeningRun(PublicIdModel):
    """The screening of a percorso at one moment, with the rules version that produced it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    session = models.ForeignKey(
        QuestionnaireSession, on_delete=models.SET_NULL, null=True, related_name="screenings"
    )
    as_of = models.DateField()
    rules_version = models.CharField(max_length=64)
    facts_json = EncryptedTextField()
    results_json = EncryptedTextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the re-screening after a rules change: the measures whose status changed, until an
    # operator of the centre has looked at the new result.
    changed_measures = models.JSONField(default=list, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="screening_case_recent"),
            # The dashboard's "new results to look at": only re-screenings whose results changed
            # and that nobody has reviewed (a handful), never every run of the country.
            models.Index(
                fields=["case", "-created_at"],
                name="screening_changed_to_review",
                condition=models.Q(reviewed_at__isnull=True) & ~models.Q(changed_measures=[]),
            ),
        ]

    @property
    def facts(self) -> dict:
        return json.loads(self.facts_json) if self.facts_json else {}

    @property
    def results(self) -> list[dict]:
        return json.loads(self.results_json) if self.results_json else []


class CaseNeed(models.Model):
    """A need she expressed (money, work, housing…), per percorso: feeds the monitoring."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=24)
    session = models.ForeignKey(QuestionnaireSession, on_delete=models.CASCADE, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "need"], name="caseneed_unique"),
        ]
        indexes = [models.Index(fields=["need"], name="caseneed_need")]


class PageDraft(models.Model):
    """What was typed on a questionnaire page when the staff session had lapsed.

    Kept server-side (encrypted, like the answers) until she signs in again and the page shows it
    back for her to confirm; never in the URL, a cookie or a log. `owner` is the operator whose
    session lapsed; it is empty when the page arrived already signed out, and then only the same
    browser (its server-side session lists the draft) may get it back. Deleted when restored, when
    the page is saved, or when it expires.
    """

    class Reason(models.TextChoices):
        IDLE = "idle", _("Inattività")
        ABSOLUTE = "absolute", _("Durata massima della sessione")
        SIGNED_OUT = "signed_out", _("Sessione già chiusa")
        CSRF = "csrf", _("Modulo scaduto")

    session = models.ForeignKey(QuestionnaireSession, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    page = models.PositiveSmallIntegerField()
    # The posted fields as {name: [values]}, without the CSRF token.
    data_json = EncryptedTextField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def data(self) -> dict[str, list[str]]:
        return json.loads(self.data_json) if self.data_json else {}


class TabletCodeAttempts(models.Model):
    """Tablet codes tried from one client address in the current window (see throttle.py).

    A row, not a cache entry: the database cache's incr is a read then a write, so parallel wrong
    codes were lost; here every attempt increments the row under its lock.
    """

    address = models.CharField(max_length=64, unique=True)
    window_started_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_started_at"], name="tabletattempts_window")]
