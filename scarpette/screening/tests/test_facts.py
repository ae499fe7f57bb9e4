"""Validation and normalisation of profiles (the contract's types and enums)."""

from datetime import date

import pytest

from scarpette.screening.facts import FactError, normalise_profile


def test_the_four_spellings_of_unknown_are_dropped() -> None:
    facts = normalise_profile({"age": None, "isee": "unknown", "renting": "declined"})
    assert facts == {}


def test_values_become_python_types() -> None:
    facts = normalise_profile(
        {
            "as_of": "2026-03-01",
            "age": 34.0,
            "isee": 5000,
            "current_benefits": ["naspi"],
            "children": [{"age": 3, "in_nursery": "unknown"}],
        }
    )
    assert facts["as_of"] == date(2026, 3, 1)
    assert facts["age"] == 34 and isinstance(facts["age"], int)
    assert facts["current_benefits"] == frozenset({"naspi"})
    assert facts["children"] == ({"age": 3},)


@pytest.mark.parametrize(
    ("profile", "fact"),
    [
        ({"age": 34.5}, "age"),
        ({"age": -1}, "age"),
        ({"pregnant_month": 10}, "pregnant_month"),
        ({"isee": float("nan")}, "isee"),
        ({"has_isee": 1}, "has_isee"),
        ({"job_end_date": "2026-02-30"}, "job_end_date"),
        ({"job_end_date": "20260201"}, "job_end_date"),
        ({"citizenship": "it"}, "citizenship"),
        ({"age": "Unknown"}, "age"),
    ],
)
def test_bad_values_name_the_fact(profile, fact) -> None:
    with pytest.raises(FactError) as exc:
        normalise_profile(profile)
    assert exc.value.fact == fact
