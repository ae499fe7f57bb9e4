"""The append-only, keyed and sealed log of reads, writes, logins and denied accesses.

It records who, what, when and from where: never the content. Database triggers refuse UPDATE,
DELETE and TRUNCATE on the events and the seals.

Appending takes no lock (docs/architecture.md, "The audit log"): an event gets its id from the
database sequence and its own keyed MAC (`hash`), and is inserted in the writer's transaction. A
sealer, right after commit and from `manage.py audit_seal`, links the events committed since the
last seal into a keyed chain of seals (`AuditSeal`), each naming the events it covers. So
`manage.py audit_verify` detects an edited event (its MAC), a deleted one (a seal names it), an
inserted one (no MAC without the key, or never sealed), and a rewritten or truncated chain (the
seals' links and the signed checkpoints kept outside the database).

Rows written before this design carry `prev_hash`, the link of the old per-row chain; they are
verified as that chain, and the first seal links to its last hash.
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
    # Rows of the old per-row chain only (written before the seals); "" for sealed rows.
    prev_hash = models.CharField(max_length=64, blank=True)
    # Sealed rows: the row's own keyed MAC. Old rows: the chain link.
    hash = models.CharField(max_length=64)

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
        if self.prev_hash:  # a row of the old per-row chain
            return chain_hash(self.prev_hash, self.canonical())
        return row_mac(self.canonical())

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


class AuditSeal(models.Model):
    """One link of the chain: the events committed since the previous seal.

    `events` lists their ids as ranges ("41-57,60"); `hash` is keyed and covers the previous
    seal's hash, this seal's number and each event's id and MAC. Seals are numbered without gaps.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    events = models.TextField()
    count = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]


class AuditChainHead(models.Model):
    """One row: the tip of the chain. Only the sealer locks it, in its own short transaction
    after the writers' commits; appending an event never does.

    `last_id`/`last_hash`: the last row of the old per-row chain (frozen) and then the last
    seal's hash. `sealed_through`: every event id up to it was sealed or is a hole; `holes`: the
    ranges of ids below it not seen yet (a transaction still running, or rolled back), as
    [first, last, first seen (epoch seconds)]."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    seal_seq = models.BigIntegerField(default=0)
    sealed_through = models.BigIntegerField(default=0)
    holes = models.JSONField(default=list, blank=True)


def chain_hash(prev_hash: str, canonical: str) -> str:
    """The link of one row: keyed (HMAC-SHA256 with AUDIT_HMAC_KEY, held outside the database),
    so that rewriting a row and every later hash needs the key, not only database access."""
    message = f"{prev_hash}|{canonical}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY, message, hashlib.sha256).hexdigest()


def row_mac(canonical: str) -> str:
    """The keyed MAC of one sealed row (its id is part of `canonical`)."""
    return hmac.new(
        settings.AUDIT_HMAC_KEY, f"row|{canonical}".encode(), hashlib.sha256
    ).hexdigest()


def seal_hash(prev_hash: str, seq: int, pairs) -> str:
    """The link of one seal: the previous link, its number, and each (event id, event MAC)."""
    mac = hmac.new(settings.AUDIT_HMAC_KEY, f"seal|{seq}|{prev_hash}".encode(), hashlib.sha256)
    for event_id, event_hash in pairs:
        mac.update(f"|{event_id}:{event_hash}".encode())
    return mac.hexdigest()


def format_ranges(ids: list[int]) -> str:
    """Sorted ids as compact ranges: [1, 2, 3, 7] -> "1-3,7"."""
    parts = []
    start = prev = None
    for value in ids:
        if start is None:
            start = prev = value
        elif value == prev + 1:
            prev = value
        else:
            parts.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = value
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else str(start))
    return ",".join(parts)


def parse_ranges(text: str) -> list[int]:
    ids = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def legacy_chain_hash(prev_hash: str, canonical: str) -> str:
    """The unkeyed link of rows written before the chain was keyed; `audit_verify` accepts it
    only for the rows before the first keyed one."""
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()
