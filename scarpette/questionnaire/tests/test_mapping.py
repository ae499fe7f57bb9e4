"""Answers -> screening facts: unknown stays unknown, never false or zero."""

from __future__ import annotations

from datetime import date

import pytest

from scarpette.questionnaire.mapping import (
    AnswerError,
    answers_to_facts,
    contact_preferences,
    needs_from_answers,
)
from scarpette.questionnaire.xlsform import load_definition
from scarpette.screening.facts import normalise_profile


@pytest.fixture(scope="module")
def defn():
    return load_definition()


def facts_of(defn, answers):
    facts, _ = answers_to_facts(defn, answers)
    normalise_profile(facts)  # the contract holds for every result
    return facts


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, {}),
        # yes/no and the two ways of not answering
        ({"renting": "yes"}, {"renting": True}),
        ({"renting": "no"}, {"renting": False}),
        ({"renting": "dont_know"}, {}),
        ({"renting": "prefer_not"}, {}),
        ({"renting": ""}, {}),
        ({"renting": None}, {}),
        # enums
        (
            {"citizenship": "NON_EU", "permit": "domestic_violence"},
            {"citizenship": "NON_EU", "permit": "domestic_violence"},
        ),
        ({"citizenship": "prefer_not"}, {}),
        ({"employment": "dont_know"}, {}),
        (
            {"resignation_reason": "violence_outside_work"},
            {"resignation_reason": "violence_outside_work"},
        ),
        # ISEE: "Non so" to the gate -> no isee fact, even with a stale value
        ({"has_isee": "yes", "isee_known": "dont_know", "isee": "9000"}, {"has_isee": True}),
        ({"has_isee": "yes", "isee_known": "prefer_not"}, {"has_isee": True}),
        (
            {"has_isee": "yes", "isee_known": "yes", "isee": "9.360,50"},
            {"has_isee": True, "isee": 9360.5},
        ),
        ({"has_isee": "yes", "isee_known": "yes", "isee": 0}, {"has_isee": True, "isee": 0.0}),
        ({"isee_known": "yes", "isee": "7.500"}, {"isee": 7500.0}),  # Italian thousands
        ({"isee_known": "yes", "isee": "7500.25"}, {"isee": 7500.25}),
        ({"has_isee": "no"}, {"has_isee": False}),
        (
            {"household_income_known": "yes", "household_income": 12000},
            {"household_income": 12000.0},
        ),
        # integers and plain numbers
        ({"age": "34"}, {"age": 34}),
        ({"age": 34.0}, {"age": 34}),
        ({"age": ""}, {}),
        (
            {"years_resident_known": "yes", "years_resident_in_italy": "2.5"},
            {"years_resident_in_italy": 2.5},
        ),
        ({"years_resident_known": "dont_know", "years_resident_in_italy": "3"}, {}),
        # counts behind a yes/no gate: "no" is zero, unknown stays unknown
        ({"pregnant": "no"}, {"pregnant_month": 0}),
        ({"pregnant": "yes", "pregnant_month": 0}, {"pregnant_month": 0}),
        ({"pregnant": "yes", "pregnant_month": "5"}, {"pregnant_month": 5}),
        ({"pregnant": "yes", "pregnant_month": ""}, {}),
        ({"pregnant": "dont_know", "pregnant_month": 4}, {}),
        ({"pregnant": "prefer_not"}, {}),
        ({"has_savings": "no"}, {"assets_financial": 0}),
        ({"has_savings": "yes", "assets_financial": "1500"}, {"assets_financial": 1500.0}),
        ({"has_savings": "yes"}, {}),
        ({"has_real_estate": "no"}, {"assets_real_estate": 0}),
        ({"has_real_estate": "dont_know", "assets_real_estate": 50000}, {}),
        (
            {"household_over_60": "yes", "household_members_over_60": 2},
            {"household_members_over_60": 2},
        ),
        ({"household_disabled": "no"}, {"household_members_disabled": 0}),
        ({"congedo_used": "no"}, {"congedo_days_used": 0}),
        ({"congedo_used": "yes", "congedo_days_used": "12"}, {"congedo_days_used": 12}),
        # dates behind a known/not known gate
        (
            {"protection_path_start_known": "yes", "protection_path_start": "2025-11-03"},
            {"protection_path_start": "2025-11-03"},
        ),
        ({"protection_path_start_known": "dont_know", "protection_path_start": "2025-11-03"}, {}),
        (
            {"job_end_date_known": "yes", "job_end_date": date(2025, 6, 30)},
            {"job_end_date": "2025-06-30"},
        ),
        (
            {"contribution_weeks_known": "yes", "contribution_weeks_last_4y": "80"},
            {"contribution_weeks_last_4y": 80},
        ),
        # benefits
        (
            {"current_benefits": ["assegno_unico", "naspi"]},
            {"current_benefits": ["assegno_unico", "naspi"]},
        ),
        (
            {"current_benefits": "assegno_unico naspi"},
            {"current_benefits": ["assegno_unico", "naspi"]},
        ),
        ({"current_benefits": ["none"]}, {"current_benefits": []}),
        ({"current_benefits": []}, {}),
        ({"current_benefits": ["dont_know"]}, {}),
        ({"current_benefits": ["prefer_not"]}, {}),
        # a gate-guarded yes/no: not shown unless she has children
        ({"has_children": "no", "exclusive_custody_or_court_order": "yes"}, {"children": []}),
        (
            {"has_children": "yes", "exclusive_custody_or_court_order": "yes"},
            {"exclusive_custody_or_court_order": True},
        ),
    ],
)
def test_answers_to_facts(defn, answers, expected):
    assert facts_of(defn, answers) == expected


def test_unknown_is_never_false_or_zero(defn):
    """Every question answered "Non so" or "Preferisco non rispondere" gives an empty profile."""
    for marker in ("dont_know", "prefer_not"):
        answers = {}
        for question in defn.questions:
            if question.in_repeat:
                continue
            if question.type == "select_one":
                answers[question.name] = marker
            elif question.type == "select_multiple" and question.fact:
                answers[question.name] = [marker]
            elif question.type in ("integer", "decimal", "date"):
                # a stale value behind a declined gate; an ungated number left empty
                answers[question.name] = "1" if question.gate else ""
        assert facts_of(defn, answers) == {}, marker


def test_children(defn):
    answers = {
        "has_children": "yes",
        "children": [
            {
                "child_age": "2",
                "child_born_on_known": "yes",
                "child_born_on": "2023-05-01",
                "child_disabled": "no",
                "child_lives_with_her": "yes",
                "child_in_nursery": "yes",
            },
            {
                "child_age": "",
                "child_born_on_known": "prefer_not",
                "child_born_on": "2010-01-01",
                "child_disabled": "dont_know",
                "child_lives_with_her": "prefer_not",
            },
            {},
        ],
    }
    facts = facts_of(defn, answers)
    assert facts["children"] == [
        {
            "age": 2,
            "born_on": "2023-05-01",
            "disabled": False,
            "lives_with_her": True,
            "in_nursery": True,
        },
        {},
        {},
    ]
    normalised = normalise_profile(facts)
    assert normalised["children"][0]["born_on"] == date(2023, 5, 1)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"has_children": "no"}, []),
        ({"has_children": "no", "children": [{"child_age": 3}]}, []),
        ({"has_children": "dont_know", "children": [{"child_age": 3}]}, None),
        ({"has_children": "prefer_not"}, None),
        ({"has_children": "yes"}, None),  # she has children, how many is unknown
        ({"has_children": "yes", "children": []}, None),
        ({}, None),
    ],
)
def test_children_gate(defn, answers, expected):
    assert facts_of(defn, answers).get("children") == expected


def test_a_full_profile_validates(defn):
    answers = {
        "age": 31,
        "citizenship": "NON_EU",
        "permit": "international_protection",
        "resident_in_italy": "yes",
        "years_resident_known": "yes",
        "years_resident_in_italy": 6,
        "last_two_years_continuous_residence": "yes",
        "precautionary_measure_or_conviction": "prefer_not",
        "followed_by_cav": "yes",
        "followed_by_social_services": "yes",
        "in_shelter": "no",
        "protection_path_start_known": "yes",
        "protection_path_start": "2026-01-15",
        "urgent_need_attested": "yes",
        "disadvantage_attested": "dont_know",
        "employment": "unemployed",
        "vat_number": "no",
        "registered_unemployed": "yes",
        "job_end_date_known": "yes",
        "job_end_date": "2025-12-31",
        "job_loss_involuntary": "no",
        "resignation_reason": "violence_outside_work",
        "resigned_open_ended_last_12m": "no",
        "contribution_weeks_known": "yes",
        "contribution_weeks_last_4y": 120,
        "has_business_project": "no",
        "has_isee": "yes",
        "isee_known": "yes",
        "isee": "7.500",
        "household_income_known": "dont_know",
        "income_drop_recent": "yes",
        "renting": "yes",
        "has_real_estate": "no",
        "has_savings": "yes",
        "assets_financial": 300,
        "has_children": "yes",
        "children": [{"child_age": 1, "child_in_nursery": "no", "child_lives_with_her": "yes"}],
        "exclusive_custody_or_court_order": "yes",
        "other_parent_receives_auu": "no",
        "pregnant": "no",
        "inps_maternity_pay": "no",
        "maternity_contributions": "dont_know",
        "household_over_60": "no",
        "household_disabled": "no",
        "current_benefits": ["assegno_unico"],
        "received_rdl": "no",
        "needs": ["housing", "money", "legal"],
        "safe_channels": ["sms"],
        "safe_times": " 10-12 ",
    }
    facts, needs = answers_to_facts(defn, answers)
    normalised = normalise_profile(facts)
    assert normalised["isee"] == 7500.0
    assert normalised["protection_path_start"] == date(2026, 1, 15)
    assert normalised["pregnant_month"] == 0
    assert normalised["current_benefits"] == frozenset({"assegno_unico"})
    assert "precautionary_measure_or_conviction" not in facts
    assert "household_income" not in facts
    assert "disadvantage_attested" not in facts
    assert "safe_channels" not in facts and "needs" not in facts
    assert needs == ["money", "housing", "legal"]
    assert contact_preferences(defn, answers) == {"safe_channels": ["sms"], "safe_times": "10-12"}


def test_needs(defn):
    assert needs_from_answers(defn, {}) == []
    assert needs_from_answers(defn, {"needs": "documents work"}) == ["work", "documents"]
    with pytest.raises(AnswerError):
        needs_from_answers(defn, {"needs": ["transport"]})


def test_contact_preferences_default_to_nothing(defn):
    assert contact_preferences(defn, {}) == {"safe_channels": [], "safe_times": ""}
    assert contact_preferences(defn, {"safe_channels": ["through_centre"]}) == {
        "safe_channels": ["through_centre"],
        "safe_times": "",
    }
    with pytest.raises(AnswerError):
        contact_preferences(defn, {"safe_channels": ["carrier_pigeon"]})


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"renting": "maybe"}, "renting"),
        ({"citizenship": "XX"}, "citizenship"),
        ({"age": "thirty"}, "age"),
        ({"age": "30.5"}, "age"),
        ({"age": True}, "age"),
        ({"age": "-3"}, "age"),  # caught by normalise_profile, reported on the question
        (
            {"protection_path_start_known": "yes", "protection_path_start": "15/01/2026"},
            "protection_path_start",
        ),
        ({"current_benefits": ["reddito_cittadinanza"]}, "current_benefits"),
        ({"has_children": "yes", "children": [{"child_age": "x"}]}, "child_age"),
        ({"has_children": "yes", "children": "two"}, "children"),
    ],
)
def test_impossible_answers_are_errors(defn, answers, question):
    with pytest.raises(AnswerError) as info:
        answers_to_facts(defn, answers)
    assert info.value.question == question
