"""`python manage.py screening_benchmark [--count N] [--seed S]`: profiles per second, one core.

Generates N synthetic profiles first (seeded, so runs compare), with realistic mixes: known and
unknown facts, Italian and foreign women, with and without children, working or not. Then times
`screen()` on all of them — validation included, JSON output excluded — in this one process, so
the figure is per core. Target (issue 3): at least 5,000 full profiles per second.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scarpette.screening.engine import screen
from scarpette.screening.facts import (
    CITIZENSHIPS,
    EMPLOYMENTS,
    MEASURE_IDS,
    PERMITS,
    RESIGNATION_REASONS,
)

_UNKNOWN = ("unknown", None, "declined")


def _maybe(rng: random.Random, value: Any, known: float) -> Any:
    """`value` with probability `known`, else one of the spellings of unknown."""
    return value if rng.random() < known else rng.choice(_UNKNOWN)


def _day(rng: random.Random, start: date, days: int) -> str:
    return (start + timedelta(days=rng.randrange(days))).isoformat()


def synthetic_profile(rng: random.Random, as_of: date) -> dict[str, Any]:
    """One plausible profile; about one fact in five is unknown."""
    citizenship = rng.choices(CITIZENSHIPS, weights=(60, 8, 30, 2))[0]
    employment = rng.choice(EMPLOYMENTS)
    known = 0.8
    profile: dict[str, Any] = {
        "age": _maybe(rng, rng.randint(18, 75), known),
        "citizenship": _maybe(rng, citizenship, 0.95),
        "resident_in_italy": _maybe(rng, rng.random() < 0.95, known),
        "years_resident_in_italy": _maybe(rng, round(rng.uniform(0, 40), 1), known),
        "last_two_years_continuous_residence": _maybe(rng, rng.random() < 0.9, known),
        "followed_by_cav": _maybe(rng, rng.random() < 0.8, 0.9),
        "followed_by_social_services": _maybe(rng, rng.random() < 0.6, known),
        "in_shelter": _maybe(rng, rng.random() < 0.2, known),
        "protection_path_start": _maybe(rng, _day(rng, as_of - timedelta(days=1500), 1500), known),
        "urgent_need_attested": _maybe(rng, rng.random() < 0.5, known),
        "disadvantage_attested": _maybe(rng, rng.random() < 0.4, known),
        "received_rdl": _maybe(rng, rng.random() < 0.2, known),
        "precautionary_measure_or_conviction": _maybe(rng, rng.random() < 0.03, known),
        "employment": _maybe(rng, employment, 0.9),
        "employment_active": _maybe(rng, employment not in ("unemployed", "not_working"), known),
        "congedo_days_used": _maybe(rng, rng.choice((0, 0, 0, 10, 45, 90)), known),
        "registered_unemployed": _maybe(rng, rng.random() < 0.4, known),
        "job_end_date": _maybe(rng, _day(rng, as_of - timedelta(days=400), 400), 0.5),
        "job_loss_involuntary": _maybe(rng, rng.random() < 0.5, known),
        "resignation_reason": _maybe(rng, rng.choice(RESIGNATION_REASONS), 0.3),
        "contribution_weeks_last_4y": _maybe(rng, rng.randint(0, 208), known),
        "resigned_open_ended_last_12m": _maybe(rng, rng.random() < 0.1, known),
        "vat_number": _maybe(rng, rng.random() < 0.1, known),
        "isee": _maybe(rng, round(rng.uniform(0, 40000), 2), known),
        "has_isee": _maybe(rng, rng.random() < 0.7, known),
        "household_income": _maybe(rng, round(rng.uniform(0, 20000), 2), known),
        "assets_real_estate": _maybe(rng, rng.choice((0, 0, 0, 20000, 80000)), 0.6),
        "assets_financial": _maybe(rng, rng.choice((0, 500, 3000, 8000, 20000)), 0.6),
        "renting": _maybe(rng, rng.random() < 0.5, known),
        "pregnant_month": _maybe(rng, rng.choice((0, 0, 0, 0, 3, 7)), known),
        "household_members_over_60": _maybe(rng, rng.choice((0, 0, 0, 1)), known),
        "household_members_disabled": _maybe(rng, rng.choice((0, 0, 0, 1)), known),
        "current_benefits": _maybe(rng, rng.sample(MEASURE_IDS, rng.choice((0, 0, 1, 2))), known),
        "exclusive_custody_or_court_order": _maybe(rng, rng.random() < 0.3, 0.6),
        "other_parent_receives_auu": _maybe(rng, rng.random() < 0.3, 0.6),
        "inps_maternity_pay": _maybe(rng, rng.random() < 0.3, known),
        "maternity_contributions": _maybe(rng, rng.random() < 0.5, known),
        "has_business_project": _maybe(rng, rng.random() < 0.1, known),
        "income_drop_recent": _maybe(rng, rng.random() < 0.4, known),
    }
    if citizenship == "NON_EU":
        profile["permit"] = _maybe(rng, rng.choice(PERMITS), 0.9)
    if rng.random() < 0.9:
        profile["children"] = [
            {
                "age": _maybe(rng, rng.randint(0, 25), 0.9),
                "disabled": _maybe(rng, rng.random() < 0.05, 0.7),
                "lives_with_her": _maybe(rng, rng.random() < 0.85, 0.8),
                "in_nursery": _maybe(rng, rng.random() < 0.3, 0.7),
                "born_on": _maybe(rng, _day(rng, as_of - timedelta(days=900), 900), 0.3),
            }
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4)))
        ]
    # Drop some facts altogether: absent is the commonest kind of unknown.
    for name in rng.sample(sorted(profile), rng.randint(0, 10)):
        del profile[name]
    return profile


class Command(BaseCommand):
    help = "Screen synthetic profiles and print profiles per second (one core)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000, help="profiles (default 100000)")
        parser.add_argument("--seed", type=int, default=20260301, help="random seed")
        parser.add_argument("--as-of", dest="as_of", default="2026-03-01", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        count = max(1, options["count"])
        as_of = date.fromisoformat(options["as_of"])
        rng = random.Random(options["seed"])
        profiles = [synthetic_profile(rng, as_of) for _ in range(count)]
        statuses = {"eligible": 0, "not_eligible": 0, "undetermined": 0}
        started = time.perf_counter()
        cpu_started = time.process_time()
        for profile in profiles:
            for result in screen(profile, as_of)["results"]:
                statuses[result["status"]] += 1
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rate = count / elapsed
        self.stdout.write(
            f"screened {count} profiles x {len(MEASURE_IDS)} measures in {elapsed:.2f} s "
            f"(cpu {cpu:.2f} s, one process)\n"
            f"profiles per second: {rate:,.0f}\n"
            f"profiles per cpu-second: {count / cpu:,.0f} (the figure on a busy machine)\n"
            f"microseconds per profile: {elapsed / count * 1e6:.1f}\n"
            f"results: {statuses['eligible']} eligible, {statuses['not_eligible']} not eligible, "
            f"{statuses['undetermined']} undetermined"
        )
