"""Base models shared by the domain apps (no domain models here)."""

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A row addressed in URLs by a random UUID, never by its integer key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """One submitted form, claimed inside the service's transaction that acts on it.

    The form carries a fresh random key; the service inserts this row first. A replay, a retry or
    a double click of the same form collides on (actor, key) and gets the first result instead of
    a second object (see scarpette/core/idempotency.py). Rows are purged after a few days.
    """

    actor = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    # What the form does ("cases.note.add"): a key is valid for one kind of submission only.
    scope = models.CharField(max_length=64)
    # The public id of what the first submission created or touched, to send a replay there.
    result_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_once_per_actor")
        ]
