"""Legal deadlines of the measures, read from the dated catalogue. Pure: no ORM, no clock.

A deadline runs from a date among her facts (the end of the job, the start of the protection
path) for a length that is a dated catalogue parameter (its value on the start date), and cites
the catalogue condition that states it, with its legal basis. The screening rules check the same
windows with the same parameters and the same counting (art. 2963 c.c.); the applications app
turns these into reminders, and the sportello and the monitoring read them from here.

A deadline is not given when the measure was screened not eligible or its start date is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from scarpette.screening.catalogue import CATALOGUE
from scarpette.screening.evaluation import add_years
from scarpette.screening.vocabulary import ResultStatus


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    measure: str
    kind: str  # "apply_by" (the application) or "use_by" (the benefit itself)
    from_fact: str  # the facts.md date the period runs from
    parameter: str  # the catalogue parameter giving its length (unit: days or years)
    condition: str  # the catalogue condition that states it, with its legal basis


DEADLINE_RULES: tuple[DeadlineRule, ...] = (
    # NASpI: the application within 68 days of the end of the job (art. 6 d.lgs. 22/2015).
    DeadlineRule("naspi", "apply_by", "job_end_date", "application_days", "deadline"),
    # Congedo: used within three years of the start of the path (art. 24 d.lgs. 80/2015).
    DeadlineRule(
        "congedo_violenza", "use_by", "protection_path_start", "window_years", "within_window"
    ),
)


DEADLINE_MEASURES = frozenset(rule.measure for rule in DEADLINE_RULES)


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    measure: str
    kind: str
    due_on: date
    legal_basis: str  # "<law>: <what must be done by then>", in Italian


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def due_date(rule: DeadlineRule, start: date) -> date | None:
    """The last valid day of the period that starts on `start` (None: no parameter in force)."""
    measure = CATALOGUE.by_id[rule.measure]
    period = measure.param(rule.parameter, start)
    if period is None:
        return None
    unit = measure.parameters[rule.parameter].unit
    if unit == "days":  # the first day is not counted: the last is start + days
        return start + timedelta(days=int(period.value))
    if unit == "years":  # the anniversary, 29 February → 28 February
        return add_years(start, int(period.value))
    raise ValueError(f"{rule.measure}.{rule.parameter}: a deadline in {unit!r} is not supported")


def legal_basis(rule: DeadlineRule) -> str:
    condition = CATALOGUE.by_id[rule.measure].conditions[rule.condition]
    return f"{condition.legal_basis}: {condition.requirement}"


def compute_deadlines(facts: dict, results: list[dict]) -> list[DeadlineSpec]:
    """The deadlines that apply to her, from one screening run's facts and results."""
    statuses = {r.get("measure"): r.get("status") for r in results}
    specs: list[DeadlineSpec] = []
    for rule in DEADLINE_RULES:
        start = _as_date(facts.get(rule.from_fact))
        if start is None or statuses.get(rule.measure) == ResultStatus.NOT_ELIGIBLE:
            continue
        due = due_date(rule, start)
        if due is not None:
            specs.append(DeadlineSpec(rule.measure, rule.kind, due, legal_basis(rule)))
    return specs
