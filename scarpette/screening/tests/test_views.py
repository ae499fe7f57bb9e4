"""The Misure pages, rendered from the selectors (no database).

HTTP-level tests (permission, 403/404, anonymous redirect) belong with the shared personas; see
the note in docs/screening.md.
"""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from scarpette.screening import selectors
from scarpette.screening.facts import MEASURE_IDS


@pytest.fixture(autouse=True)
def _italian():
    with translation.override("it"):
        yield


def _render(template: str, context: dict) -> str:
    request = RequestFactory().get("/misure/")
    return render_to_string(template, context, request=request)


def test_the_list_shows_every_measure_in_order_with_the_rules_version() -> None:
    html = _render(
        "screening/measure_list.html",
        {"measures": selectors.measure_list(), "rules_version": selectors.rules_version()},
    )
    positions = [html.index(f"/misure/{mid}/") for mid in MEASURE_IDS]
    assert positions == sorted(positions)
    assert selectors.rules_version() in html
    assert "<caption>" in html and 'scope="col"' in html
    assert "non è una decisione" in html


@pytest.mark.parametrize("measure_id", MEASURE_IDS)
def test_each_detail_page_renders_conditions_and_dated_parameters(measure_id) -> None:
    measure = selectors.measure_get(measure_id)
    html = _render("screening/measure_detail.html", {"measure": measure})
    assert html.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    # The page opens with its one h1 and never skips a level going down (h2 → h4).
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))
    for condition in measure.conditions:
        assert condition.legal_basis.replace("'", "&#x27;") in html
    assert html.count("<caption>") >= 1 + len(measure.parameters)
    assert re.search(r"<a [^>]*>\s*</a>", html) is None  # no empty links


def test_detail_shows_italian_dates_and_euros_with_source_and_confidence() -> None:
    html = _render(
        "screening/measure_detail.html", {"measure": selectors.measure_get("reddito_liberta")}
    )
    assert "5 marzo 2025" in html
    assert "500,00 €" in html and "400,00 €" in html
    assert "circolare INPS 54/2025" in html
    assert "Confermato" in html and "Una sola fonte" in html


def test_detail_marks_unverified_values_with_what_to_check() -> None:
    html = _render(
        "screening/measure_detail.html", {"measure": selectors.measure_get("assegno_inclusione")}
    )
    assert "Non verificato" in html
    assert "30.000,00 €" in html
    assert "controllare l&#x27;art. 2 DL 48/2023" in html


def test_an_unknown_measure_is_not_found() -> None:
    with pytest.raises(selectors.MeasureNotFound):
        selectors.measure_get("bonus_inesistente")
