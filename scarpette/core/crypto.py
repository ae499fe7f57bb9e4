"""Field encryption (AES-256-GCM with a key id in every ciphertext) and an HMAC lookup index.

Ciphertext format: "v1:<kid>:<base64(nonce || ciphertext+tag)>". The associated data binds each
value to its column, so that a ciphertext copied into another column does not decrypt. Keys come
from settings (FIELD_ENCRYPTION_KEYS, first = current; FIELD_HMAC_KEY); see docs/configuration.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "v1"


class DecryptionError(Exception):
    """A value could not be decrypted: wrong key, unknown key id, or tampered data."""


def _keys() -> dict[str, bytes]:
    return settings.FIELD_ENCRYPTION_KEYS


def current_kid() -> str:
    return next(iter(_keys()))


def encrypt(plaintext: str, *, context: str) -> str:
    kid = current_kid()
    nonce = os.urandom(12)
    sealed = AESGCM(_keys()[kid]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    return parts[1]


def decrypt(token: str, *, context: str) -> str:
    kid = key_id_of(token)
    key = _keys().get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value does not decrypt with its key") from exc


def normalise_for_index(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")


def blind_index(value: str, *, context: str) -> str:
    """Deterministic HMAC-SHA256 of a normalised value, for exact-match lookups (tax code)."""
    message = f"{context}|{normalise_for_index(value)}".encode()
    return hmac.new(settings.FIELD_HMAC_KEY, message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Python side: plain str (or ""), database side: ciphertext.

    The context (associated data) defaults to "<app_label>.<model>.<field>", fixed at class
    creation, so moving a value between columns breaks decryption.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return ""
        return decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return encrypt(value, context=self.crypto_context)

    def get_placeholder(self, value, compiler, connection):
        """A plain placeholder. Its mere presence keeps Django's bulk inserts on PostgreSQL on
        `VALUES (...)` rather than `UNNEST` of arrays: psycopg quotes every array element in
        Python, which for kilobytes of ciphertext per row made the re-screening's inserts
        several times slower (docs/performance.md)."""
        return "%s"
