"""compute_deadlines: a table of facts and statuses -> expected deadlines (no database), with
their lengths and legal bases read from the dated catalogue."""

from __future__ import annotations

from datetime import date

import pytest

from scarpette.screening.catalogue import CATALOGUE
from scarpette.screening.deadlines import DEADLINE_RULES, compute_deadlines

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


def test_the_legal_basis_is_the_catalogues_condition():
    specs = compute_deadlines(
        {"job_end_date": "2026-03-01", "protection_path_start": "2025-06-10"},
        [{"measure": "naspi", "status": "eligible"}],
    )
    assert [s.legal_basis for s in specs] == [
        "Art. 6 d.lgs. 22/2015: domanda entro 68 giorni dalla fine del lavoro",
        "Art. 24 c. 1 d.lgs. 80/2015: chiedere il congedo entro tre anni dall'inizio del percorso di "
        "protezione",
    ]


def test_every_rule_names_a_dated_parameter_and_a_condition_of_the_catalogue():
    for rule in DEADLINE_RULES:
        measure = CATALOGUE.by_id[rule.measure]
        assert measure.parameters[rule.parameter].unit in {"days", "years"}
        assert rule.condition in measure.conditions


def test_the_length_is_the_value_in_force_on_the_start_date():
    # Before the NASpI's parameter came into force (1 May 2015) there is no deadline to give.
    assert compute_deadlines({"job_end_date": "2015-04-30"}, []) == []
    assert compute_deadlines({"job_end_date": "2015-05-01"}, [])[0].due_on == date(2015, 7, 8)
