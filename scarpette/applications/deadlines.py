"""Deadlines derived from the screening facts. Pure: no ORM, no clock (the facts carry the dates).

The rules follow shared/reference/measures.md:
- NASpI must be applied for within 68 days of the end of the job;
- the paid leave for women in a protection path (congedo art. 24 d.lgs. 80/2015) can be used within
  three years of the start of the certified protection path.
A deadline is not computed when the measure was screened not eligible or its start date is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NASPI_DAYS = 68
CONGEDO_YEARS = 3

NASPI_BASIS = (
    "Art. 6 d.lgs. 22/2015: domanda entro 68 giorni dalla cessazione del rapporto di lavoro"
)
CONGEDO_BASIS = (
    "Art. 24 d.lgs. 80/2015: congedo fruibile entro tre anni dall'inizio del percorso di protezione"
)


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    measure: str
    kind: str  # a Deadline.Kind value
    due_on: date
    legal_basis: str


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year: the last day of February
        return day.replace(year=day.year + years, day=28)


def compute_deadlines(facts: dict, results: list[dict]) -> list[DeadlineSpec]:
    """The deadlines that apply to her, from one screening run's facts and results."""
    statuses = {r.get("measure"): r.get("status") for r in results}
    specs: list[DeadlineSpec] = []

    job_end = _as_date(facts.get("job_end_date"))
    if job_end is not None and statuses.get("naspi") != "not_eligible":
        specs.append(
            DeadlineSpec("naspi", "apply_by", job_end + timedelta(days=NASPI_DAYS), NASPI_BASIS)
        )

    path_start = _as_date(facts.get("protection_path_start"))
    if path_start is not None and statuses.get("congedo_violenza") != "not_eligible":
        specs.append(
            DeadlineSpec(
                "congedo_violenza",
                "use_by",
                _add_years(path_start, CONGEDO_YEARS),
                CONGEDO_BASIS,
            )
        )
    return specs
