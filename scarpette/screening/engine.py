"""The screening engine: `screen(profile, as_of)` -> the result defined in facts.md.

Pure Python, no ORM, no I/O per call: the catalogue is loaded once at import (catalogue.py) and
every call only reads it. The contract (shared/design/facts.md) fixes the input facts, the result
shape and the order of measures; see docs/screening.md for how the three-valued logic works.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scarpette.screening.catalogue import CATALOGUE, RULES_VERSION, Condition
from scarpette.screening.evaluation import Check, Context
from scarpette.screening.facts import MEASURE_IDS, FactError, normalise_profile
from scarpette.screening.rules import RULES

__all__ = ["RULES_VERSION", "FactError", "screen", "screen_facts"]

if tuple(RULES) != MEASURE_IDS:  # pragma: no cover - guards a wiring mistake at import
    raise RuntimeError("rules must cover every contract measure, in the contract's order")

_PLAN = tuple((CATALOGUE.by_id[mid], RULES[mid]) for mid in MEASURE_IDS)

_NOT_IN_FORCE = {
    measure.id: Condition(
        id="in_force",
        requirement="misura in vigore alla data della valutazione",
        fail="Alla data della valutazione la misura non era ancora in vigore.",
        legal_basis=measure.legal_basis[0].ref,
        confidence="confirmed",
        check="",
    )
    for measure, _rule in _PLAN
}


def screen(profile: dict[str, Any], as_of: date | None = None) -> dict[str, Any]:
    """Screen one profile for every measure.

    `as_of` overrides the profile's own `as_of`; with neither, today. Raises FactError (naming
    the fact) when the profile breaks the contract.
    """
    facts = normalise_profile(profile)
    return screen_facts(facts, as_of or facts.get("as_of") or date.today())


def screen_facts(facts: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Screen already-normalised facts (see facts.normalise_profile) on `as_of`."""
    ctx = Context(facts, as_of)
    results = []
    for measure, rule in _PLAN:
        check = Check(measure, ctx)
        if measure.in_force_from is not None and as_of < measure.in_force_from:
            check.failed.append(_NOT_IN_FORCE[measure.id])
            results.append(check.result(None))
            continue
        results.append(rule(check, ctx))
    return {"as_of": as_of.isoformat(), "rules_version": RULES_VERSION, "results": results}
