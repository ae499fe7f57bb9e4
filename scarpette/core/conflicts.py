"""Edit conflicts: a form that edits an existing object carries the version it was loaded at.

The service compares it with the stored version under the row lock; on a mismatch it saves
nothing and raises EditConflict, and the page shows the stored values next to what the person
typed, with the new version, so she decides what to keep (nothing she typed is lost).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

CONFLICT_MESSAGE = gettext_lazy(
    "Qualcun altro ha modificato questi dati mentre li stavi modificando. Non è stato salvato "
    "nulla: qui sotto trovi i valori salvati ora e quelli che hai scritto tu. Controlla e salva "
    "di nuovo."
)
FIELD_NAME = "version"


class EditConflict(Exception):  # noqa: N818 (a condition the page explains, not a crash)
    """The object changed since the form was loaded; `current` is the stored object."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


def version_from_request(request) -> int | None:
    """The version the form was loaded at; None when absent or malformed (a stale form)."""
    try:
        value = int(request.POST.get(FIELD_NAME, ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def check_version(current, version: int | None, *, field: str = "version") -> None:
    """Raise EditConflict unless `version` is None (a caller in code) or the stored one."""
    if version is not None and getattr(current, field) != version:
        raise EditConflict(current)
