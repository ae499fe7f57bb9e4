"""A deterministic corpus of synthetic profiles for the golden-output check (test_golden.py).

Seeded and committed as code, not as data: the same seed gives the same 10,000 profiles on every
machine and Python version (only `random.Random` with integer seeds, `randrange`, `random` and
`choice` over fixed tuples are used). The profiles deliberately crowd the edges the rules care
about: dates on, just before and just after every window (birth + 6 months, job end + 68 days,
path start + 3 years, 9 months before a birth, month ends, 29 February), several children in
any order, every enum value, and the four spellings of unknown.

Do not change this module without regenerating the digest in test_golden.py, and never in the
same commit as a speed change: the digest proves that speed work leaves the output unchanged.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from scarpette.screening.evaluation import add_months, add_years
from scarpette.screening.facts import (
    CITIZENSHIPS,
    EMPLOYMENTS,
    MEASURE_IDS,
    PERMITS,
    RESIGNATION_REASONS,
)

SEED = 20260413
SIZE = 10_000

AS_OF_DAYS = (
    date(2021, 7, 19),
    date(2024, 6, 15),
    date(2025, 2, 28),
    date(2025, 3, 31),
    date(2025, 4, 1),
    date(2025, 6, 1),
    date(2025, 8, 31),
    date(2025, 12, 15),
    date(2026, 3, 1),
    date(2027, 2, 28),
)
_UNKNOWN = (None, "unknown", "declined")


def _maybe(rng: random.Random, value: Any, known: float = 0.8) -> Any:
    return value if rng.random() < known else rng.choice(_UNKNOWN)


def _edge(rng: random.Random, anchor: date, months: int = 0, days: int = 0, years: int = 0) -> date:
    """A day near `anchor` minus a period: on the boundary, one day either side, or anywhere."""
    day = add_years(add_months(anchor, -months), -years) - timedelta(days=days)
    pick = rng.randrange(5)
    if pick == 0:
        return day
    if pick == 1:
        return day - timedelta(days=1)
    if pick == 2:
        return day + timedelta(days=1)
    if pick == 3:
        return date(day.year, day.month, 1) - timedelta(days=1)  # a month end
    return anchor - timedelta(days=rng.randrange(1200))


def _child(rng: random.Random, as_of: date) -> dict[str, Any]:
    born = _edge(rng, as_of, months=rng.choice((0, 6, 12, 36)))
    if rng.random() < 0.05:
        born = date(2024, 2, 29)
    child: dict[str, Any] = {
        "age": _maybe(rng, max(0, min(130, as_of.year - born.year)), 0.6),
        "disabled": _maybe(rng, rng.random() < 0.08, 0.7),
        "lives_with_her": _maybe(rng, rng.random() < 0.85, 0.8),
        "in_nursery": _maybe(rng, rng.random() < 0.4, 0.7),
        "born_on": _maybe(rng, born.isoformat(), 0.6),
    }
    for name in [n for n in sorted(child) if rng.random() < 0.15]:
        del child[name]
    return child


def profile(rng: random.Random) -> dict[str, Any]:
    as_of = rng.choice(AS_OF_DAYS)
    citizenship = rng.choice(CITIZENSHIPS)
    employment = rng.choice(EMPLOYMENTS)
    job_end = _edge(rng, as_of, days=rng.choice((0, 68, 274)))
    path_start = _edge(rng, as_of, years=rng.choice((0, 1, 3)))
    facts: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "age": _maybe(rng, rng.choice((17, 18, 35, 59, 60, 66, 67, 80))),
        "citizenship": _maybe(rng, citizenship, 0.9),
        "permit": _maybe(rng, rng.choice(PERMITS), 0.9),
        "resident_in_italy": _maybe(rng, rng.random() < 0.9),
        "years_resident_in_italy": _maybe(rng, rng.choice((0, 2, 4.9, 5, 12.5, 30))),
        "last_two_years_continuous_residence": _maybe(rng, rng.random() < 0.85),
        "followed_by_cav": _maybe(rng, rng.random() < 0.7),
        "followed_by_social_services": _maybe(rng, rng.random() < 0.6),
        "in_shelter": _maybe(rng, rng.random() < 0.25),
        "protection_path_start": _maybe(rng, path_start.isoformat()),
        "urgent_need_attested": _maybe(rng, rng.random() < 0.5),
        "disadvantage_attested": _maybe(rng, rng.random() < 0.4),
        "received_rdl": _maybe(rng, rng.random() < 0.3),
        "precautionary_measure_or_conviction": _maybe(rng, rng.random() < 0.05),
        "employment": _maybe(rng, employment, 0.9),
        "employment_active": _maybe(rng, rng.random() < 0.5),
        "congedo_days_used": _maybe(rng, rng.choice((0, 45, 89, 90))),
        "registered_unemployed": _maybe(rng, rng.random() < 0.5),
        "job_end_date": _maybe(rng, job_end.isoformat(), 0.7),
        "job_loss_involuntary": _maybe(rng, rng.random() < 0.5),
        "resignation_reason": _maybe(rng, rng.choice(RESIGNATION_REASONS), 0.6),
        "contribution_weeks_last_4y": _maybe(rng, rng.choice((0, 1, 12, 13, 60, 208))),
        "resigned_open_ended_last_12m": _maybe(rng, rng.random() < 0.2),
        "vat_number": _maybe(rng, rng.random() < 0.15),
        "isee": _maybe(
            rng,
            rng.choice(
                (
                    0,
                    5000,
                    9360,
                    10140,
                    10140.01,
                    15000,
                    20382.9,
                    25000.99,
                    30000,
                    40000,
                    46583,
                    60000,
                )
            ),
        ),
        "has_isee": _maybe(rng, rng.random() < 0.7),
        "household_income": _maybe(
            rng, rng.choice((0, 2000, 6499, 6500, 7474, 7475, 10139, 10140, 11000, 20000))
        ),
        "assets_real_estate": _maybe(rng, rng.choice((0, 30000, 30001)), 0.7),
        "assets_financial": _maybe(rng, rng.choice((0, 5999, 6000, 6001, 20000)), 0.7),
        "renting": _maybe(rng, rng.random() < 0.5),
        "pregnant_month": _maybe(rng, rng.choice((0, 0, 3, 6, 7, 9))),
        "household_members_over_60": _maybe(rng, rng.choice((0, 0, 1, 2))),
        "household_members_disabled": _maybe(rng, rng.choice((0, 0, 1))),
        "current_benefits": _maybe(rng, [m for m in MEASURE_IDS if rng.random() < 0.08], 0.8),
        "exclusive_custody_or_court_order": _maybe(rng, rng.random() < 0.3),
        "other_parent_receives_auu": _maybe(rng, rng.random() < 0.3),
        "inps_maternity_pay": _maybe(rng, rng.random() < 0.3),
        "maternity_contributions": _maybe(rng, rng.random() < 0.5),
        "has_business_project": _maybe(rng, rng.random() < 0.2),
        "income_drop_recent": _maybe(rng, rng.random() < 0.4),
        "benefit_end_date": _maybe(
            rng, _edge(rng, as_of, months=rng.choice((6, 9, 15))).isoformat(), 0.5
        ),
        "assets_drop_recent": _maybe(rng, rng.random() < 0.3),
    }
    if rng.random() < 0.85:
        facts["children"] = [_child(rng, as_of) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4)))]
    for name in [n for n in sorted(facts) if n != "as_of" and rng.random() < 0.12]:
        del facts[name]
    return facts


def corpus(size: int = SIZE, seed: int = SEED) -> list[dict[str, Any]]:
    """The golden corpus: `size` profiles from `seed`, always the same."""
    rng = random.Random(seed)
    return [profile(rng) for _ in range(size)]
