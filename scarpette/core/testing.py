"""Test helpers that belong to no app (personas live in scarpette.accounts.testing)."""

from __future__ import annotations


def keyed(data: dict | None = None, key: str | None = None) -> dict:
    """Form data as the rendered page sends it: with its idempotency key (a fresh one)."""
    import uuid

    return {**(data or {}), "idempotency_key": key or str(uuid.uuid4())}
