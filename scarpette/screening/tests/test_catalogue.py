"""The catalogue files: complete, well-formed, and consistent with the rules that read them."""

from __future__ import annotations

import inspect
import re
from datetime import date, timedelta

import pytest
import yaml

from scarpette.screening import rules
from scarpette.screening.catalogue import (
    CATALOGUE,
    CATALOGUE_DIR,
    CONFIDENCES,
    CatalogueError,
    load_catalogue,
)
from scarpette.screening.facts import MEASURE_IDS

# Parameters that exist only from a given year on; the rules handle their absence (no amount).
_GAPS_ALLOWED = {
    ("assegno_unico", "amount_table"),
    ("naspi", "monthly_ceiling"),
    ("dis_coll", "monthly_ceiling"),
    ("assegno_maternita_comuni", "isee_max"),
    ("assegno_maternita_comuni", "monthly"),
    ("assegno_maternita_stato", "total"),
    ("bonus_nido", "amounts"),
    ("congedo_violenza", "self_employed_daily"),
    ("esonero_datori", "hiring_covered"),
}


def test_every_contract_measure_is_catalogued_in_order() -> None:
    assert [m.id for m in CATALOGUE.measures] == list(MEASURE_IDS)


@pytest.mark.parametrize("measure", CATALOGUE.measures, ids=lambda m: m.id)
def test_each_measure_has_what_the_pages_show(measure) -> None:
    assert measure.name_it and measure.name_en and measure.description
    assert measure.legal_basis and measure.applies and measure.channel and measure.documents
    assert measure.conditions
    for period in (p for param in measure.parameters.values() for p in param.periods):
        assert period.confidence in CONFIDENCES
        assert period.source
        if period.confidence != "confirmed":
            assert period.check, "an uncertain value must say what to check"


@pytest.mark.parametrize("measure", CATALOGUE.measures, ids=lambda m: m.id)
def test_parameters_have_no_gap_from_entry_into_force(measure) -> None:
    start = measure.in_force_from or date(2024, 1, 1)
    for pid, param in measure.parameters.items():
        if (measure.id, pid) in _GAPS_ALLOWED:
            continue
        day = max(start, param.periods[0].valid_from)
        assert param.periods[0].valid_from <= start, (pid, "starts after the measure")
        while day <= date(2027, 12, 31):
            assert param.at(day) is not None, (measure.id, pid, day)
            day += timedelta(days=7)


def test_every_condition_the_rules_name_is_in_the_catalogue() -> None:
    source = "".join(
        inspect.getsource(module)
        for module in (rules.violence, rules.inclusion, rules.family, rules.work)
    )
    named = set(re.findall(r'need\(\s*"([a-z_0-9]+)"', source))
    declared = {cid for m in CATALOGUE.measures for cid in m.conditions}
    assert named <= declared


def test_a_bad_file_is_refused_at_load(tmp_path) -> None:
    for path in CATALOGUE_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "naspi.yaml"
    data = yaml.safe_load(broken.read_text(encoding="utf-8"))
    data["parameters"]["min_weeks"]["periods"][0]["confidence"] = "probably"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="confidence"):
        load_catalogue(tmp_path)


def test_an_uncertain_value_without_check_is_refused(tmp_path) -> None:
    for path in CATALOGUE_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "naspi.yaml"
    data = yaml.safe_load(broken.read_text(encoding="utf-8"))
    data["parameters"]["min_weeks"]["periods"][0]["confidence"] = "unverified"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="check"):
        load_catalogue(tmp_path)


def test_rules_version_changes_with_the_catalogue(tmp_path) -> None:
    for path in CATALOGUE_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_catalogue(tmp_path).rules_version == CATALOGUE.rules_version
    with (tmp_path / "naspi.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    assert load_catalogue(tmp_path).rules_version != CATALOGUE.rules_version


_WEBSITE = re.compile(r"\b[\w-]+\.(?:it|com|eu|org|net)\b|https?://|www\.")


def test_legal_bases_cite_primary_sources_not_websites():
    # A reason's legal basis is the law, decree, circolare or messaggio; news sites and other
    # secondary sources belong in the parameters' `source` and, when they are all there is, in a
    # caveat saying "fonte secondaria".
    offending = []
    for measure in CATALOGUE.measures:
        for ref in measure.legal_basis:
            if _WEBSITE.search(ref.ref):
                offending.append(f"{measure.id}: {ref.ref}")
        for condition in measure.conditions.values():
            if _WEBSITE.search(condition.legal_basis):
                offending.append(f"{measure.id}.{condition.id}: {condition.legal_basis}")
    assert offending == []


def test_a_condition_resting_on_a_secondary_source_says_so():
    first_time = CATALOGUE.by_id["reddito_liberta"].conditions["first_time"]
    assert "Fonte secondaria" in first_time.check
    assert "orizzontescuola" not in first_time.legal_basis
