"""Facts, their values and the rules version in words: what pages show instead of codes."""

from __future__ import annotations

from django.utils import translation

from scarpette.screening.catalogue import RULES_VERSION
from scarpette.screening.vocabulary import (
    fact_label,
    fact_labels,
    fact_value,
    rules_version_words,
)


def test_facts_read_as_their_italian_labels():
    assert fact_label("urgent_need_attested") == (
        "stato di bisogno straordinario o urgente attestato"
    )
    assert fact_label("children[0].age") == "età del figlio"
    assert fact_labels(["isee", "vat_number"]) == "valore ISEE, partita IVA"
    # An unknown id (an old stored row) still reads as words.
    assert "_" not in fact_label("some_old_fact")


def test_values_read_as_words():
    with translation.override("it"):
        assert fact_value("employment", "employee_private") == "dipendente nel settore privato"
        assert fact_value("citizenship", "NON_EU") == "di un paese fuori dall'Unione europea"
        assert fact_value("renting", True) == "sì"
        assert fact_value("renting", False) == "no"
        assert fact_value("current_benefits", ["assegno_unico"]) == (
            "Assegno Unico e Universale per i figli"
        )
        assert fact_value("isee", 9500.0) == "9.500,00 €"
        assert fact_value("age", 34) == "34"
        assert fact_value("job_end_date", "2026-03-01") == "1 marzo 2026"
        assert fact_value("children", [{"age": 6, "lives_with_her": True}]) == (
            "età del figlio: 6, il figlio vive con lei: sì"
        )
        assert "_" not in fact_value("permit", "a_new_permit")


def test_the_rules_version_reads_as_words_never_as_its_hash():
    with translation.override("it"):
        current = rules_version_words(RULES_VERSION)
        older = rules_version_words("0.9.0+0123456789")
    logic = RULES_VERSION.split("+")[0]
    assert current == f"in vigore (versione {logic})"
    assert older == "precedenti (versione 0.9.0)"
    assert RULES_VERSION.split("+")[1] not in current
    assert "0123456789" not in older
