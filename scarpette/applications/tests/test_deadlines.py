"""compute_deadlines: a table of facts and statuses -> expected deadlines (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from scarpette.applications.deadlines import compute_deadlines

CASES = [
    # (id, facts, statuses, expected [(measure, kind, due_on)])
    (
        "naspi_68_days_after_job_end",
        {"job_end_date": "2026-03-01"},
        {"naspi": "eligible"},
        [("naspi", "apply_by", date(2026, 5, 8))],
    ),
    (
        "naspi_undetermined_still_has_deadline",
        {"job_end_date": "2025-12-31"},
        {"naspi": "undetermined"},
        [("naspi", "apply_by", date(2026, 3, 9))],
    ),
    ("naspi_not_eligible_none", {"job_end_date": "2026-03-01"}, {"naspi": "not_eligible"}, []),
    ("naspi_job_end_unknown_none", {}, {"naspi": "eligible"}, []),
    ("naspi_job_end_malformed_none", {"job_end_date": "01/03/2026"}, {"naspi": "eligible"}, []),
    (
        "congedo_three_years_after_path_start",
        {"protection_path_start": "2025-06-10"},
        {"congedo_violenza": "eligible"},
        [("congedo_violenza", "use_by", date(2028, 6, 10))],
    ),
    (
        "congedo_29_february_becomes_28",
        {"protection_path_start": "2024-02-29"},
        {"congedo_violenza": "undetermined"},
        [("congedo_violenza", "use_by", date(2027, 2, 28))],
    ),
    (
        "congedo_not_eligible_none",
        {"protection_path_start": "2025-06-10"},
        {"congedo_violenza": "not_eligible"},
        [],
    ),
    ("congedo_start_unknown_none", {}, {"congedo_violenza": "eligible"}, []),
    (
        "both",
        {"job_end_date": "2026-03-01", "protection_path_start": "2025-06-10"},
        {"naspi": "eligible", "congedo_violenza": "eligible"},
        [
            ("naspi", "apply_by", date(2026, 5, 8)),
            ("congedo_violenza", "use_by", date(2028, 6, 10)),
        ],
    ),
]


@pytest.mark.parametrize(
    ("facts", "statuses", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_computes_the_deadlines(facts, statuses, expected):
    results = [{"measure": m, "status": s, "documents": []} for m, s in statuses.items()]
    specs = compute_deadlines(facts, results)
    assert [(s.measure, s.kind, s.due_on) for s in specs] == expected
    assert all(s.legal_basis for s in specs)


def test_it_accepts_date_objects():
    specs = compute_deadlines(
        {"job_end_date": date(2026, 3, 1)}, [{"measure": "naspi", "status": "eligible"}]
    )
    assert specs[0].due_on == date(2026, 5, 8)
