"""Read functions for the Misure pages: the catalogue as staff review it. No ORM, no writes.

Access: the views declare `permission_required(Perm.MEASURES_VIEW)`; the catalogue is
the same for every organisation, so there is nothing to scope per user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from scarpette.screening.catalogue import CATALOGUE, RULES_VERSION, Condition, LegalRef, Measure
from scarpette.screening.facts import EMPLOYMENTS

CONFIDENCE_LABELS = {
    "confirmed": _("Confermato"),
    "one_source": _("Una sola fonte"),
    "unverified": _("Non verificato"),
}
CONFIDENCE_HELP = {
    "confirmed": _("Visto in due o più fonti indipendenti o nel testo di legge."),
    "one_source": _("Visto in una sola fonte: da confermare."),
    "unverified": _("Non trovato nelle fonti: da verificare nella circolare INPS prima dell'uso."),
}

_EMPLOYMENT_LABELS = {
    "employee_private": "dipendenti private",
    "employee_public": "dipendenti pubbliche",
    "domestic_worker": "lavoratrici domestiche",
    "self_employed": "lavoratrici autonome",
    "parasubordinate": "collaboratrici (Gestione Separata)",
    "unemployed": "disoccupate",
    "not_working": "non occupate",
}
assert set(_EMPLOYMENT_LABELS) == set(EMPLOYMENTS)

# Names of the keys used in mapping-valued parameters, and which of them are euro amounts.
_KEY_LABELS = {
    "standard": "massimo ordinario",
    "with_disability": "massimo con disabilità grave",
    "base": "base",
    "per_member": "per ogni componente dopo il primo",
    "members_cap": "tetto per i componenti",
    "per_minor_after_second": "per ogni minore dopo il secondo",
    "per_disabled": "per ogni persona con disabilità",
    "max": "importo massimo",
    "min": "importo minimo",
    "isee_low": "ISEE fino a cui spetta il massimo",
    "isee_high": "ISEE da cui spetta il minimo",
    "newborn_from": "nati dal",
    "newborn_amount": "importo per i nati da quella data (ISEE fino a 40.000 €)",
    "amount_low": "importo con ISEE basso",
    "isee_mid": "ISEE fino a",
    "amount_mid": "importo con ISEE medio",
    "amount_other": "importo con ISEE più alto o senza ISEE",
    "instalments": "rate",
    "amount": "importo",
    "isee_max": "soglia ISEE",
    "min_members": "componenti minimi",
    "max_year": "esonero massimo annuo",
    "months_open_ended": "mesi (tempo indeterminato)",
    "months_fixed_term": "mesi (tempo determinato)",
    "months_converted": "mesi (trasformazione a tempo indeterminato)",
}
_MONEY_KEYS = frozenset(
    {
        "base",
        "per_member",
        "members_cap",
        "per_minor_after_second",
        "per_disabled",
        "max",
        "min",
        "isee_low",
        "isee_high",
        "newborn_amount",
        "amount_low",
        "isee_mid",
        "amount_mid",
        "amount_other",
        "amount",
        "isee_max",
        "max_year",
    }
)
_UNIT_WORDS = {
    "months": _("mesi"),
    "days": _("giorni"),
    "years": _("anni"),
    "weeks": _("settimane"),
}


@dataclass(frozen=True)
class DisplayValue:
    """A parameter value with the hint the template needs to format it (money, date, text)."""

    kind: str  # money | number | date | text | pairs
    value: Any
    suffix: str = ""


@dataclass(frozen=True)
class PeriodRow:
    valid_from: date
    valid_to: date | None
    value: DisplayValue
    source: str
    confidence: str
    confidence_label: str
    confidence_help: str
    check: str
    note: str


@dataclass(frozen=True)
class ParameterView:
    id: str
    label: str
    periods: tuple[PeriodRow, ...]


@dataclass(frozen=True)
class ConditionView:
    requirement: str
    legal_basis: str
    confidence: str
    confidence_label: str
    check: str


@dataclass(frozen=True)
class MeasureSummary:
    id: str
    name: str
    name_en: str
    description: str
    inps: bool
    channel: str


@dataclass(frozen=True)
class MeasureDetail:
    id: str
    name: str
    name_en: str
    description: str
    inps: bool
    in_force_from: date | None
    legal_basis: tuple[LegalRef, ...]
    applies: str
    channel: str
    documents: tuple[str, ...]
    compatibility: tuple[str, ...]
    caveats: tuple[str, ...]
    conditions: tuple[ConditionView, ...]
    parameters: tuple[ParameterView, ...]
    rules_version: str


class MeasureNotFound(LookupError):
    """No measure with this id (the view answers 404)."""


def rules_version() -> str:
    return RULES_VERSION


def measure_list() -> list[MeasureSummary]:
    """Every measure in the contract's order, for the catalogue page."""
    return [
        MeasureSummary(
            id=m.id,
            name=m.name_it,
            name_en=m.name_en,
            description=m.description,
            inps=m.inps,
            channel=m.channel,
        )
        for m in CATALOGUE.measures
    ]


def measure_get(measure_id: str) -> MeasureDetail:
    """One measure with its conditions and its parameters period by period."""
    measure = CATALOGUE.by_id.get(measure_id)
    if measure is None:
        raise MeasureNotFound(measure_id)
    return _detail(measure)


def _detail(measure: Measure) -> MeasureDetail:
    return MeasureDetail(
        id=measure.id,
        name=measure.name_it,
        name_en=measure.name_en,
        description=measure.description,
        inps=measure.inps,
        in_force_from=measure.in_force_from,
        legal_basis=measure.legal_basis,
        applies=measure.applies,
        channel=measure.channel,
        documents=measure.documents,
        compatibility=measure.compatibility,
        caveats=measure.caveats,
        conditions=tuple(_condition(c) for c in measure.conditions.values()),
        parameters=tuple(
            ParameterView(
                id=p.id,
                label=p.label,
                periods=tuple(
                    PeriodRow(
                        valid_from=period.valid_from,
                        valid_to=period.valid_to,
                        value=display_value(p.unit, period.value),
                        source=period.source,
                        confidence=period.confidence,
                        confidence_label=str(CONFIDENCE_LABELS[period.confidence]),
                        confidence_help=str(CONFIDENCE_HELP[period.confidence]),
                        check=period.check,
                        note=period.note,
                    )
                    for period in p.periods
                ),
            )
            for p in measure.parameters.values()
        ),
        rules_version=RULES_VERSION,
    )


def _condition(condition: Condition) -> ConditionView:
    return ConditionView(
        requirement=condition.requirement,
        legal_basis=condition.legal_basis,
        confidence=condition.confidence,
        confidence_label=str(CONFIDENCE_LABELS[condition.confidence]),
        check=condition.check,
    )


def display_value(unit: str, value: Any) -> DisplayValue:
    """How a parameter value reads on the page, by its unit."""
    if unit.startswith("eur"):
        suffix = {"eur_month": " al mese", "eur_year": " l'anno", "eur_day": " al giorno"}.get(
            unit, ""
        )
        return DisplayValue("money", value, suffix)
    if unit == "bool":
        return DisplayValue("text", "sì" if value else "no")
    if unit == "ratio":
        return DisplayValue("number", value * 100, "%")
    if unit == "employment_list":
        return DisplayValue("text", ", ".join(_EMPLOYMENT_LABELS.get(v, v) for v in value))
    if unit == "mapping":
        return DisplayValue(
            "pairs",
            tuple(
                (
                    _KEY_LABELS.get(key, key),
                    display_value(
                        "eur" if key in _MONEY_KEYS else ("date" if isinstance(v, date) else "n"),
                        v,
                    ),
                )
                for key, v in value.items()
            ),
        )
    if unit == "date" or isinstance(value, date):
        return DisplayValue("date", value)
    word = _UNIT_WORDS.get(unit)
    return DisplayValue("number", value, f" {word}" if word else "")
