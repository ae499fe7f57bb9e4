"""The fact schema of the screening contract (shared/design/facts.md) and its validation.

The contract is fixed: other systems and an independent scenario set send these names, types and
enum values. Validation is strict on purpose (a typo must not silently become "unknown", because
unknown facts change results), and every error names the fact so a caller can fix its input.

After `normalise_profile` a profile is a plain dict holding only the facts that are *known*: a fact
that is absent, null, "unknown" or "declined" is simply not there. Rules therefore read
`facts.get(name)` and get `None` for unknown, and can never mistake unknown for false or zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

# The contract's measure ids, in the contract's order (results always follow it).
MEASURE_IDS: tuple[str, ...] = (
    "reddito_liberta",
    "congedo_violenza",
    "assegno_inclusione",
    "supporto_formazione_lavoro",
    "assegno_unico",
    "naspi",
    "dis_coll",
    "esonero_datori",
    "assegno_maternita_comuni",
    "assegno_maternita_stato",
    "bonus_nido",
    "carta_dedicata_a_te",
    "isee_corrente",
    "microcredito_liberta",
)

CITIZENSHIPS = ("IT", "EU", "NON_EU", "STATELESS")
PERMITS = (
    "eu_long_term",
    "eu_family_member_card",
    "international_protection",
    "special_protection",
    "domestic_violence",
    "application_receipt",
    "work",
    "family",
    "study",
    "other",
    "none",
)
EMPLOYMENTS = (
    "employee_private",
    "employee_public",
    "domestic_worker",
    "self_employed",
    "parasubordinate",
    "unemployed",
    "not_working",
)
RESIGNATION_REASONS = ("workplace_just_cause", "violence_outside_work", "other")

# Values that mean "we do not know" (the contract's list). Compared exactly: "Unknown" is a typo.
UNKNOWN_MARKERS = frozenset({"unknown", "declined"})

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FactError(ValueError):
    """A profile that breaks the contract. `fact` names the offending fact (CLI exit 2)."""

    def __init__(self, fact: str, message: str) -> None:
        super().__init__(f"{fact}: {message}")
        self.fact = fact
        self.message = message


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact of the contract: its kind and, where it applies, its allowed values or range."""

    kind: str  # date | integer | number | boolean | enum | children | measures
    label: str  # Italian, for pages and error context
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


def _int(label: str, minimum: int = 0, maximum: int | None = None) -> FactSpec:
    return FactSpec("integer", label, minimum=minimum, maximum=maximum)


def _num(label: str) -> FactSpec:
    return FactSpec("number", label, minimum=0)


def _bool(label: str) -> FactSpec:
    return FactSpec("boolean", label)


def _enum(label: str, choices: tuple[str, ...]) -> FactSpec:
    return FactSpec("enum", label, choices=choices)


FACTS: dict[str, FactSpec] = {
    "as_of": FactSpec("date", "data della valutazione"),
    "age": _int("età", maximum=130),
    "citizenship": _enum("cittadinanza", CITIZENSHIPS),
    "permit": _enum("permesso di soggiorno", PERMITS),
    "resident_in_italy": _bool("residenza anagrafica in Italia"),
    "years_resident_in_italy": _num("anni di residenza in Italia"),
    "last_two_years_continuous_residence": _bool("ultimi due anni di residenza continuativi"),
    "followed_by_cav": _bool("seguita da un centro antiviolenza riconosciuto"),
    "followed_by_social_services": _bool("in carico ai servizi sociali"),
    "in_shelter": _bool("ospite di una casa rifugio"),
    "protection_path_start": FactSpec("date", "inizio del percorso di protezione certificato"),
    "urgent_need_attested": _bool("stato di bisogno straordinario o urgente attestato"),
    "disadvantage_attested": _bool("condizione di svantaggio attestata (ADI)"),
    "received_rdl": _bool("Reddito di Libertà già ricevuto"),
    "precautionary_measure_or_conviction": _bool(
        "misura cautelare personale o condanna definitiva negli ultimi 10 anni"
    ),
    "employment": _enum("condizione lavorativa", EMPLOYMENTS),
    "employment_active": _bool("rapporto di lavoro in corso"),
    "congedo_days_used": _int("giorni di congedo già usati"),
    "registered_unemployed": _bool("DID presentata"),
    "job_end_date": FactSpec("date", "data di fine dell'ultimo lavoro"),
    "job_loss_involuntary": _bool("perdita involontaria del lavoro"),
    "resignation_reason": _enum("motivo delle dimissioni", RESIGNATION_REASONS),
    "contribution_weeks_last_4y": _int("settimane di contributi negli ultimi 4 anni"),
    "resigned_open_ended_last_12m": _bool(
        "dimissioni volontarie da tempo indeterminato negli ultimi 12 mesi"
    ),
    "vat_number": _bool("partita IVA"),
    "isee": _num("valore ISEE"),
    "has_isee": _bool("ISEE valido (DSU presentata)"),
    "household_income": _num("reddito familiare"),
    "assets_real_estate": _num("patrimonio immobiliare esclusa la casa di abitazione"),
    "assets_financial": _num("patrimonio mobiliare"),
    "renting": _bool("casa in affitto"),
    "children": FactSpec("children", "figli"),
    "pregnant_month": _int("mese di gravidanza", maximum=9),
    "household_members_over_60": _int("altri componenti con 60 anni o più"),
    "household_members_disabled": _int("altri componenti con disabilità"),
    "current_benefits": FactSpec("measures", "misure già percepite", choices=MEASURE_IDS),
    "exclusive_custody_or_court_order": _bool("affidamento esclusivo o provvedimento del giudice"),
    "other_parent_receives_auu": _bool("l'altro genitore riceve l'Assegno Unico"),
    "inps_maternity_pay": _bool("indennità di maternità INPS per l'ultimo figlio"),
    "maternity_contributions": _bool("almeno 3 mesi di contributi tra 18 e 9 mesi prima del parto"),
    "has_business_project": _bool("progetto d'impresa o di lavoro autonomo"),
    "income_drop_recent": _bool("calo del reddito oltre il 25% o perdita del lavoro"),
    # Added after contract v1 (additions only, see docs/screening.md).
    "benefit_end_date": FactSpec("date", "data di fine dell'ultima prestazione INPS"),
    "assets_drop_recent": _bool("calo del patrimonio oltre il 20%"),
}

CHILD_FIELDS: dict[str, FactSpec] = {
    "age": _int("età del figlio", maximum=130),
    "disabled": _bool("figlio con disabilità"),
    "lives_with_her": _bool("il figlio vive con lei"),
    "in_nursery": _bool("iscritto al nido"),
    "born_on": FactSpec("date", "data di nascita del figlio"),
}


def is_unknown(value: Any) -> bool:
    """True for the contract's four spellings of "unknown" (absent is handled by the caller)."""
    return value is None or (isinstance(value, str) and value in UNKNOWN_MARKERS)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_value(name: str, spec: FactSpec, value: Any) -> Any:
    """Validate one known value against its spec and return it in canonical form."""
    kind = spec.kind
    if kind == "boolean":
        if value is True or value is False:
            return value
        raise FactError(name, f"expected true or false, got {_describe(value)}")
    if kind in ("integer", "number"):
        # bool is an int in Python; a JSON true is never a count.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FactError(name, f"expected a number, got {_describe(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise FactError(name, f"expected a finite number, got {_describe(value)}")
        if kind == "integer":
            if isinstance(value, float):
                if not value.is_integer():
                    raise FactError(name, f"expected a whole number, got {_describe(value)}")
                value = int(value)
        elif isinstance(value, int):
            value = float(value) if abs(value) < 2**53 else value
        if spec.minimum is not None and value < spec.minimum:
            raise FactError(name, f"must be at least {spec.minimum:g}, got {_describe(value)}")
        if spec.maximum is not None and value > spec.maximum:
            raise FactError(name, f"must be at most {spec.maximum:g}, got {_describe(value)}")
        return value
    if kind == "date":
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise FactError(name, f"expected a date YYYY-MM-DD, got {_describe(value)}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise FactError(name, f"not a valid date: {_describe(value)}") from None
    if kind == "enum":
        if not isinstance(value, str) or value not in spec.choices:
            allowed = ", ".join(spec.choices)
            raise FactError(name, f"unknown value {_describe(value)} (allowed: {allowed})")
        return value
    if kind == "measures":
        if not isinstance(value, list):
            raise FactError(name, f"expected a list of measure ids, got {_describe(value)}")
        for item in value:
            if not isinstance(item, str) or item not in spec.choices:
                raise FactError(name, f"unknown measure id {_describe(item)}")
        return frozenset(value)
    if kind == "children":
        return _check_children(name, value)
    raise AssertionError(f"unhandled fact kind {kind}")  # pragma: no cover - schema bug


def _check_children(name: str, value: Any) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list):
        raise FactError(name, f"expected a list of children, got {_describe(value)}")
    children = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise FactError(where, f"expected an object, got {_describe(item)}")
        child: dict[str, Any] = {}
        for key, raw in item.items():
            spec = CHILD_FIELDS.get(key)
            if spec is None:
                raise FactError(f"{where}.{key}", "unknown field of a child")
            if is_unknown(raw):
                continue
            child[key] = _check_value(f"{where}.{key}", spec, raw)
        children.append(child)
    return tuple(children)


def normalise_profile(profile: Any) -> dict[str, Any]:
    """Validate a profile and return only its known facts, in canonical Python types.

    Dates become `date`, numbers become `float` (integers stay `int`), `current_benefits` a
    frozenset, `children` a tuple of dicts holding their known fields. Raises FactError naming the
    first bad fact; an unknown fact name is an error, not ignored, because a misspelt fact would
    otherwise silently read as unknown.
    """
    if not isinstance(profile, dict):
        raise FactError("profile", f"expected a JSON object, got {_describe(profile)}")
    facts: dict[str, Any] = {}
    for name, value in profile.items():
        if value is None or (value.__class__ is str and value in UNKNOWN_MARKERS):
            if name not in FACTS:
                raise FactError(str(name), "unknown fact name")
            continue
        # Fast path for the commonest well-formed values; everything else is fully checked.
        kind = _FAST_KINDS.get(name)
        if kind is bool and (value is True or value is False):
            facts[name] = value
            continue
        if kind is str and value.__class__ is str and value in FACTS[name].choices:
            facts[name] = value
            continue
        spec = FACTS.get(name)
        if spec is None:
            raise FactError(str(name), "unknown fact name")
        facts[name] = _check_value(name, spec, value)
    return facts


_FAST_KINDS: dict[str, type] = {
    name: (bool if spec.kind == "boolean" else str)
    for name, spec in FACTS.items()
    if spec.kind in ("boolean", "enum")
}


def parse_as_of(value: str) -> date:
    """Parse an `as_of` given outside a profile (the CLI's --as-of), with the same strictness."""
    return _check_value("as_of", FACTS["as_of"], value)
