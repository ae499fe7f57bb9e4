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
