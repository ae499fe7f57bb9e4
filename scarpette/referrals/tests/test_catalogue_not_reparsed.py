"""Pages read the measures catalogue loaded at start-up: no page re-reads or re-parses its YAML
(it cost 13–19 ms of CPU per page at national scale)."""

from __future__ import annotations

from datetime import date

import pytest

from scarpette.questionnaire import selectors as questionnaire_selectors
from scarpette.referrals import selectors as referrals_selectors
from scarpette.screening import catalogue
from scarpette.screening.engine import screen


@pytest.fixture
def yaml_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the catalogue was parsed again during a page")

    monkeypatch.setattr(catalogue.yaml, "load", refuse)


def test_measure_names_come_from_the_loaded_catalogue(yaml_forbidden):
    names = referrals_selectors.measure_names()
    assert names["naspi"] == catalogue.CATALOGUE.by_id["naspi"].name_it


def test_the_result_page_reads_the_loaded_catalogue(yaml_forbidden):
    # A real screening's results, shown with each measure's name from the loaded catalogue.
    class Run:
        results = screen({}, as_of=date(2026, 12, 1))["results"]

    class Definition:
        fact_questions: dict = {}  # no question: a missing fact is shown by its label alone

    rows = questionnaire_selectors.results_for_display(
        run=Run(), definition=Definition(), runner=None
    )
    assert rows
    for row, result in zip(rows, Run.results, strict=True):
        assert row.name == catalogue.CATALOGUE.by_id[result["measure"]].name_it


def test_the_guard_itself_catches_a_reparse(yaml_forbidden):
    with pytest.raises(AssertionError):
        catalogue.load_catalogue()
