"""The append-only, hash-chained log of reads, writes, logins and denied accesses.

It records who, what, when and from where: never the content. Database triggers (see the
migration) refuse UPDATE and DELETE; each row's hash covers the previous row's hash, so that
`manage.py audit_verify` detects an edited or deleted row.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("riuscito")
        DENIED = "denied", _("negato")
        FAILED = "failed", _("fallito")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)  # a plain id: the log outlives accounts
    actor_label = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=80)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OK)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The centre whose data was touched: lets a referent see who accessed her centre's percorsi.
    organisation_id = models.BigIntegerField(null=True)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-id"], name="audit_org_recent"),
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_recent"),
            models.Index(fields=["actor_id", "-id"], name="audit_actor_recent"),
            # The referent's access log filters (scarpette.audit.selectors.audit_events_filtered).
            models.Index(
                fields=["organisation_id", "actor_id", "-id"], name="audit_org_actor_recent"
            ),
            models.Index(
                fields=["organisation_id", "action", "-id"], name="audit_org_action_recent"
            ),
        ]

    @property
    def action_label(self) -> str:
        """The action in Italian words (pages never show the dotted code)."""
        from scarpette.audit.actions import label

        return label(self.action)

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())

    def canonical(self) -> str:
        return json.dumps(
            [
                self.id,
                self.at.isoformat(),
                self.actor_id,
                self.actor_label,
                self.actor_role,
                self.action,
                self.outcome,
                self.object_type,
                self.object_id,
                self.organisation_id,
                self.ip,
                self.user_agent,
                self.request_id,
                self.detail,
            ],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )


class AuditChainHead(models.Model):
    """One row, locked by every writer, so that the chain has exactly one order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


def chain_hash(prev_hash: str, canonical: str) -> str:
    """The link of one row: keyed (HMAC-SHA256 with AUDIT_HMAC_KEY, held outside the database),
    so that rewriting a row and every later hash needs the key, not only database access."""
    message = f"{prev_hash}|{canonical}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY, message, hashlib.sha256).hexdigest()


def legacy_chain_hash(prev_hash: str, canonical: str) -> str:
    """The unkeyed link of rows written before the chain was keyed; `audit_verify` accepts it
    only for the rows before the first keyed one."""
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()
