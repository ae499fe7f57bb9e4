"""Fixtures for the applications tests: a percorso of centre A with a screening run."""

from __future__ import annotations

import json

import pytest

from scarpette.cases.services import case_open
from scarpette.questionnaire.models import ScreeningRun
from scarpette.questionnaire.signals import screening_saved

DOCUMENTS = ["Documento d'identità", "Codice IBAN intestato a lei"]


def results_with(**statuses) -> list[dict]:
    return [
        {"measure": measure, "status": status, "documents": list(DOCUMENTS)}
        for measure, status in statuses.items()
    ]


def add_run(case, user, facts: dict, results: list[dict]) -> ScreeningRun:
    """A saved screening run, announced as the questionnaire's services announce theirs."""
    run = ScreeningRun.objects.create(
        case=case,
        as_of="2026-03-01",
        rules_version="test",
        facts_json=json.dumps(facts),
        results_json=json.dumps(results),
        created_by=user,
    )
    screening_saved.send(sender=ScreeningRun, runs=[run])
    return run


@pytest.fixture
def case_a(personas):
    """A percorso of centre A followed by operator_a and referent_a."""
    return case_open(actor=personas.operator_a, assigned=[personas.operator_a, personas.referent_a])


@pytest.fixture
def screened_case_a(personas, case_a):
    add_run(
        case_a,
        personas.operator_a,
        {"job_end_date": "2026-03-01", "protection_path_start": "2025-06-10"},
        results_with(
            naspi="eligible", congedo_violenza="undetermined", assegno_unico="not_eligible"
        ),
    )
    return case_a
