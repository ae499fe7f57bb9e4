"""The blind indexes of a woman's identity: exact-match lookups that never decrypt.

Each index is an HMAC (`core.crypto.blind_index`, keyed by FIELD_HMAC_KEY) of one normalised
value, so the database can answer "which identity has this tax code / this surname" without ever
holding either in clear, and nobody without the key can test a guess against it. Only an exact
match on the normalised value is possible: no partial search, no prefix, no ordering.

Pure functions (no model, no audit): the identity service and the backfill migration use them,
so what is stored and what is searched are computed the same way.
"""

from __future__ import annotations

import unicodedata

from scarpette.core.crypto import blind_index
from scarpette.core.validators import normalise_tax_code

TAX_CODE_CONTEXT = "cases.identity.tax_code"
SURNAME_CONTEXT = "cases.identity.surname"

# Removed from a surname before indexing: "D'Angelo", "d angelo", "D-Angelo" and "DANGELO" are one.
_SURNAME_SEPARATORS = {"'", "’", "‘", "`", "´", " ", "-", "‐", "‑", "–", "\u00a0"}


def normalise_surname(value: str) -> str:
    """Lower case, accents removed (NFKD without combining marks), apostrophes, spaces and
    hyphens removed: "De Rosa-Àlvarez" -> "derosaalvarez"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    kept = (
        char
        for char in decomposed
        if not unicodedata.combining(char)
        and char not in _SURNAME_SEPARATORS
        and not char.isspace()
    )
    return "".join(kept).casefold()


def tax_code_index(value: str) -> str:
    """The index of a tax code ("" for none)."""
    code = normalise_tax_code(value or "")
    return blind_index(code, context=TAX_CODE_CONTEXT) if code else ""


def surname_index(value: str) -> str:
    """The index of a surname ("" when nothing is left after normalising)."""
    surname = normalise_surname(value)
    return blind_index(surname, context=SURNAME_CONTEXT) if surname else ""
