"""Parse key material from the environment, and create the demo's local key file.

FIELD_ENCRYPTION_KEYS = "kid:base64key[,kid:base64key...]"; the first is used to encrypt, all of
them decrypt (rotation). FIELD_HMAC_KEY = base64 of 32+ bytes, for exact-match lookups.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def parse_encryption_keys(raw: str | None) -> dict[str, bytes]:
    if not raw:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) is required"
        )
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        kid, sep, b64 = item.strip().partition(":")
        if not sep or not kid.isalnum():
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries must be kid:base64key")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS key {kid!r} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS key {kid!r} must be 32 bytes")
        if kid in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS repeats key id {kid!r}")
        keys[kid] = key
    return keys


def parse_hmac_key(raw: str | None) -> bytes:
    if not raw:
        raise ImproperlyConfigured("FIELD_HMAC_KEY (or FIELD_HMAC_KEY_FILE) is required")
    try:
        key = base64.b64decode(raw, validate=True)
    except binascii.Error as exc:
        raise ImproperlyConfigured("FIELD_HMAC_KEY is not base64") from exc
    if len(key) < 32:
        raise ImproperlyConfigured("FIELD_HMAC_KEY must be at least 32 bytes")
    return key


def derive_key(master: bytes, label: str) -> bytes:
    """A separate 32-byte key for one purpose, derived from a master key (HMAC-SHA256 as a
    pseudo-random function, one fixed label per purpose)."""
    return hmac.new(master, f"scarpette|{label}".encode(), hashlib.sha256).digest()


def new_key_b64() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def load_demo_keys(path: Path) -> dict[str, str]:
    """Read the local key file of a demo or test machine, creating it (mode 600) on first use."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(64),
        "field_encryption_keys": f"k1:{new_key_b64()}",
        "field_hmac_key": new_key_b64(),
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)  # atomic: two processes starting together agree on one file
    tmp.unlink(missing_ok=True)
    return json.loads(path.read_text(encoding="utf-8"))
