"""The measures catalogue: YAML files in `catalogue/`, loaded once per process.

Each measure's file holds what people review (names, description, legal basis, who applies and
where, documents, compatibility, the conditions in plain Italian) and its dated parameters, each
period with its source and confidence. The rules in `rules/` read conditions and parameters from
here, so the text an operator reads in a result is the text the tavolo reviews on the Misure pages.

Loaded once at import: screening must not touch the disk per profile (benchmark target: 5,000
profiles per second per core). The loaded objects are frozen dataclasses and tuples, shared by all
calls and never copied.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scarpette.screening.facts import MEASURE_IDS

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
COMMON_FILE = "_common.yaml"

CONFIDENCES = ("confirmed", "one_source", "unverified")
_CONFIDENCE_RANK = {name: rank for rank, name in enumerate(CONFIDENCES)}

# Bump when the rules' logic changes; the catalogue's own content is folded in as a digest.
RULES_LOGIC_VERSION = "1.1.0"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(RuntimeError):
    """A catalogue file breaks its schema. Raised at import so a bad edit never reaches users."""


def weaker(a: str, b: str) -> str:
    """The less certain of two confidence levels."""
    return a if _CONFIDENCE_RANK[a] >= _CONFIDENCE_RANK[b] else b


@dataclass(frozen=True, slots=True)
class LegalRef:
    ref: str
    kind: str  # law | decree | circolare | messaggio | other
    note: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a measure, in the words used both in results and on the Misure pages."""

    id: str
    requirement: str  # the requirement itself, e.g. "residenza anagrafica in Italia"
    fail: str  # sentence for a result where the condition is known to fail
    legal_basis: str
    confidence: str
    check: str  # what to verify when confidence is not "confirmed"
    met_text: str = ""
    pending_text: str = ""
    # Derived once, shared by every result (read-only): whether a met condition needs no
    # caveat, and the reason objects a result lists for it.
    plain: bool = field(init=False, default=False, compare=False)
    met_reason: dict = field(init=False, default=None, compare=False, hash=False)
    pending_reason: dict = field(init=False, default=None, compare=False, hash=False)
    fail_reason: dict = field(init=False, default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "plain", self.confidence == "confirmed" and not self.check)
        setattr_(self, "met_reason", {"text": self.met_text, "legal_basis": self.legal_basis})
        setattr_(
            self, "pending_reason", {"text": self.pending_text, "legal_basis": self.legal_basis}
        )
        setattr_(self, "fail_reason", {"text": self.fail, "legal_basis": self.legal_basis})


@dataclass(frozen=True, slots=True)
class Period:
    """A parameter's value over [valid_from, valid_to] (valid_to None = until further notice)."""

    valid_from: date
    valid_to: date | None
    value: Any
    source: str
    confidence: str
    check: str = ""  # what to verify, required unless confirmed
    note: str = ""  # shown with results that use this value (e.g. an announced change)

    @property
    def confirmed(self) -> bool:
        return self.confidence == "confirmed"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Parameter:
    id: str
    label: str
    unit: str
    periods: tuple[Period, ...]

    def at(self, day: date) -> Period | None:
        for period in self.periods:
            if period.covers(day):
                return period
        return None


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    order: int
    name_it: str
    name_en: str
    description: str
    in_force_from: date | None
    legal_basis: tuple[LegalRef, ...]
    applies: str
    channel: str
    documents: tuple[str, ...]
    compatibility: tuple[str, ...]
    caveats: tuple[str, ...]
    conditions: dict[str, Condition] = field(hash=False)
    parameters: dict[str, Parameter] = field(hash=False)
    inps: bool = True
    # Lookups repeat for the same few dates (a batch shares one as_of): memoise them.
    _lookups: dict[tuple[str, date], Period | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def param(self, name: str, day: date) -> Period | None:
        """The period of parameter `name` that covers `day`, or None."""
        key = (name, day)
        try:
            return self._lookups[key]
        except KeyError:
            if len(self._lookups) > 100_000:
                self._lookups.clear()
            period = self._lookups[key] = self.parameters[name].at(day)
            return period


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise CatalogueError(f"{where}: missing '{key}'")
    return data[key]


def _confidence(value: Any, where: str) -> str:
    if value not in CONFIDENCES:
        raise CatalogueError(f"{where}: confidence must be one of {CONFIDENCES}, got {value!r}")
    return value


def _condition(cid: str, data: dict[str, Any], where: str) -> Condition:
    where = f"{where} condition {cid}"
    requirement = str(_require(data, "requirement", where)).strip()
    confidence = _confidence(data.get("confidence", "confirmed"), where)
    check = str(data.get("check") or "").strip()
    if confidence != "confirmed" and not check:
        raise CatalogueError(f"{where}: a condition that is not confirmed needs 'check'")
    return Condition(
        id=cid,
        requirement=requirement,
        fail=str(_require(data, "fail", where)).strip(),
        legal_basis=str(_require(data, "legal_basis", where)).strip(),
        confidence=confidence,
        check=check,
        met_text=f"Requisito soddisfatto: {requirement}.",
        pending_text=f"Da verificare: {requirement}.",
    )


def _period(data: dict[str, Any], where: str) -> Period:
    valid_from = _require(data, "valid_from", where)
    valid_to = data.get("valid_to")
    if not isinstance(valid_from, date) or (
        valid_to is not None and not isinstance(valid_to, date)
    ):
        raise CatalogueError(f"{where}: valid_from/valid_to must be dates YYYY-MM-DD")
    if valid_to is not None and valid_to < valid_from:
        raise CatalogueError(f"{where}: valid_to before valid_from")
    if "value" not in data:
        raise CatalogueError(f"{where}: missing 'value'")
    confidence = _confidence(data.get("confidence"), where)
    check = str(data.get("check") or "").strip()
    if confidence != "confirmed" and not check:
        raise CatalogueError(f"{where}: a period that is not confirmed needs 'check'")
    return Period(
        valid_from=valid_from,
        valid_to=valid_to,
        value=data["value"],
        source=str(_require(data, "source", where)).strip(),
        confidence=confidence,
        check=check,
        note=str(data.get("note") or "").strip(),
    )


def _parameter(pid: str, data: dict[str, Any], where: str) -> Parameter:
    where = f"{where} parameter {pid}"
    raw_periods = _require(data, "periods", where)
    periods = tuple(
        sorted(
            (_period(p, f"{where} period {i}") for i, p in enumerate(raw_periods)),
            key=lambda p: p.valid_from,
        )
    )
    for earlier, later in zip(periods, periods[1:], strict=False):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise CatalogueError(f"{where}: periods overlap ({earlier.valid_from})")
    return Parameter(
        id=pid,
        label=str(_require(data, "label", where)).strip(),
        unit=str(_require(data, "unit", where)),
        periods=periods,
    )


def _measure(data: dict[str, Any], where: str) -> Measure:
    mid = _require(data, "id", where)
    name = _require(data, "name", where)
    legal = tuple(
        LegalRef(
            ref=str(_require(r, "ref", where)),
            kind=str(r.get("kind", "other")),
            note=str(r.get("note") or ""),
        )
        for r in _require(data, "legal_basis", where)
    )
    return Measure(
        id=mid,
        order=MEASURE_IDS.index(mid),
        name_it=str(_require(name, "it", where)),
        name_en=str(_require(name, "en", where)),
        description=str(_require(data, "description", where)).strip(),
        in_force_from=data.get("in_force_from"),
        legal_basis=legal,
        applies=str(_require(data, "applies", where)).strip(),
        channel=str(_require(data, "channel", where)).strip(),
        documents=tuple(str(d).strip() for d in _require(data, "documents", where)),
        compatibility=tuple(str(c).strip() for c in data.get("compatibility") or ()),
        caveats=tuple(str(c).strip() for c in data.get("caveats") or ()),
        conditions={
            cid: _condition(cid, c, where) for cid, c in (data.get("conditions") or {}).items()
        },
        parameters={
            pid: _parameter(pid, p, where) for pid, p in (data.get("parameters") or {}).items()
        },
        inps=bool(data.get("inps", True)),
    )


@dataclass(frozen=True, slots=True)
class Catalogue:
    measures: tuple[Measure, ...]
    by_id: dict[str, Measure] = field(hash=False)
    common: dict[str, Parameter] = field(hash=False)
    digest: str

    @property
    def rules_version(self) -> str:
        return f"{RULES_LOGIC_VERSION}+{self.digest}"

    def common_param(self, name: str, day: date) -> Period | None:
        return self.common[name].at(day)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and check every catalogue file. Fails loudly on any schema problem."""
    hasher = hashlib.sha256()
    by_id: dict[str, Measure] = {}
    common: dict[str, Parameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        hasher.update(path.name.encode() + b"\0" + text.encode("utf-8"))
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python
        where = path.name
        if path.name == COMMON_FILE:
            for pid, p in (data.get("parameters") or {}).items():
                common[pid] = _parameter(pid, p, where)
            continue
        if not isinstance(data, dict):
            raise CatalogueError(f"{where}: expected a mapping")
        if data.get("id") not in MEASURE_IDS:
            raise CatalogueError(f"{where}: id {data.get('id')!r} is not a contract measure id")
        if path.stem != data["id"]:
            raise CatalogueError(f"{where}: file name must be the measure id")
        by_id[data["id"]] = _measure(data, where)
    missing = [mid for mid in MEASURE_IDS if mid not in by_id]
    if missing:
        raise CatalogueError(f"catalogue lacks measures: {', '.join(missing)}")
    measures = tuple(by_id[mid] for mid in MEASURE_IDS)
    return Catalogue(measures=measures, by_id=by_id, common=common, digest=hasher.hexdigest()[:10])


CATALOGUE = load_catalogue()
RULES_VERSION = CATALOGUE.rules_version


def measure_name(measure_id: str) -> str:
    """The Italian name of a measure (its id if the catalogue lacks it: an old stored row)."""
    measure = CATALOGUE.by_id.get(measure_id)
    return measure.name_it if measure else measure_id
