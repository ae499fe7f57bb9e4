"""What the later apps add to a percorso's life-wide operations, without cases importing them.

A percorso's rows live in several apps (questionnaire, referrals, applications, and those to
come). Three operations must reach all of them: withdrawing a consent (what travelled under it is
withdrawn), the retention purge (each app erases its own rows) and her right of access (each app
exports its own rows, in words). Each app registers one `Contributor` from its
`AppConfig.ready()`; cases runs them in `order`:

    from scarpette.cases import contributions

    contributions.register(
        contributions.Contributor(
            key="referrals",
            order=20,
            on_consent_withdrawn=withdraw_on_consent_withdrawal,
            anonymise=referrals_anonymise_case,
            subject_access=referrals_subject_access,
        )
    )

- `on_consent_withdrawn(*, actor, case, purpose)` runs inside `consent_withdraw`'s transaction,
  after the percorso's lock and before its audit event; it may lock rows of that percorso
  (core.locking order) and write its own audit events.
- `anonymise(*, case) -> {kind: rows}` runs inside the purge's transaction, the percorso locked.
- `subject_access(*, case) -> {section: rows}` returns sections of the export, in words (the
  caller has checked the permission and the scope); the sections keep the order of `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Contributor:
    key: str
    order: int = 100
    on_consent_withdrawn: Callable[..., None] | None = None
    anonymise: Callable[..., dict[str, int]] | None = None
    subject_access: Callable[..., dict[str, Any]] | None = None


_contributors: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Add (or replace, by key: `ready()` may run twice in tests) an app's contribution."""
    _contributors[contributor.key] = contributor


def contributors() -> list[Contributor]:
    return sorted(_contributors.values(), key=lambda c: (c.order, c.key))
