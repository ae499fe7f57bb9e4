"""The repository's questionnaire definition: valid XLSForm, complete, safe wording.

These run pyxform on the CSV files as they are in the repository, so a broken edit to
`definition/*.csv` fails here before it reaches a woman's screen.
"""

from __future__ import annotations

import re

import pytest

from scarpette.questionnaire.xlsform import (
    NEED_CODES,
    TRANSLATABLE,
    UNKNOWN_ANSWERS,
    load_definition,
    load_rows,
    parse,
    validate,
)
from scarpette.screening.facts import (
    CHILD_FIELDS,
    CITIZENSHIPS,
    EMPLOYMENTS,
    FACTS,
    MEASURE_IDS,
    PERMITS,
    RESIGNATION_REASONS,
)

LANGUAGES = ("it", "en", "fr", "es", "ar", "zh", "ro", "uk")

# Words about violence that must not appear where she or someone near her could read them.
FORBIDDEN = {
    "it": ("violen",),
    "en": ("violen", "abuse"),
    "fr": ("violen",),
    "es": ("violen",),
    "ro": ("violen",),
    "ar": ("عنف",),
    "zh": ("暴力",),
    "uk": ("насильств",),
}


@pytest.fixture(scope="module")
def rows():
    return load_rows()


@pytest.fixture(scope="module")
def defn(rows):
    return parse(rows)


def test_definition_is_valid_including_pyxform(rows):
    assert validate(rows) == []


def test_pyxform_converts_with_no_warnings(rows):
    from pyxform.xls2xform import convert

    from scarpette.questionnaire.xlsform import to_workbook_bytes

    warnings: list[str] = []
    result = convert(xlsform=to_workbook_bytes(rows), file_type=".xlsx", warnings=warnings)
    assert warnings == []
    assert 'id="needs_questionnaire"' in result.xform
    for language in load_definition().languages:
        assert f'lang="{language.column_suffix}"' in result.xform


def test_settings(defn):
    assert defn.form_id == "needs_questionnaire"
    assert re.fullmatch(r"\d{4}\.\d+", defn.version)
    assert defn.default_language == "it"
    assert set(defn.title) == set(LANGUAGES)


def test_eight_languages_with_review_flags(defn):
    assert [language.code for language in defn.languages] == list(LANGUAGES)
    by_code = {language.code: language for language in defn.languages}
    assert by_code["ar"].direction == "rtl"
    assert all(by_code[code].direction == "ltr" for code in LANGUAGES if code != "ar")
    # Only Italian is reviewed; the others are drafts until a native speaker checks them.
    assert [code for code in LANGUAGES if by_code[code].reviewed] == ["it"]
    assert by_code["zh"].column_suffix == "中文 (zh)"
    assert by_code["ar"].column_suffix == "العربية (ar)"


def test_every_text_is_translated_in_every_language(rows, defn):
    suffixes = [language.column_suffix for language in defn.languages]
    for sheet in ("survey", "choices"):
        for index, row in enumerate(rows.sheet(sheet)):
            for base in TRANSLATABLE:
                texts = [(row.get(f"{base}::{suffix}") or "").strip() for suffix in suffixes]
                assert all(texts) or not any(texts), (sheet, index + 2, row.get("name"), base)
    for question in defn.questions:
        assert set(question.labels) == set(LANGUAGES), question.name
        if question.hints:
            assert set(question.hints) == set(LANGUAGES), question.name
        if question.constraint:
            assert set(question.constraint_messages) == set(LANGUAGES), question.name
    for section in defn.sections:
        assert set(section.labels) == set(LANGUAGES), section.name
    for list_name, choices in defn.choices.items():
        for choice in choices:
            assert set(choice.labels) == set(LANGUAGES), (list_name, choice.name)


def test_scripts_are_right(defn):
    """A copy-paste slip (an Italian label in the Arabic column) is caught by the script."""
    arabic = re.compile(r"[\u0600-\u06FF]")
    han = re.compile(r"[\u4e00-\u9fff]")
    cyrillic = re.compile(r"[\u0400-\u04FF]")
    texts = [q.labels for q in defn.questions] + [s.labels for s in defn.sections]
    texts += [c.labels for choices in defn.choices.values() for c in choices]
    for labels in texts:
        assert arabic.search(labels["ar"]), labels["ar"]
        assert han.search(labels["zh"]), labels["zh"]
        if labels["uk"] not in ("SMS",):
            assert cyrillic.search(labels["uk"]), labels["uk"]


def test_sections(defn):
    assert [section.name for section in defn.sections] == [
        "her_situation",
        "path",
        "work",
        "income",
        "assets",
        "household",
        "benefits",
        "her_needs",
        "safe_contact",
    ]
    household = defn.section_of("has_children")
    assert household.name == "household"
    assert household.repeat is not None and household.repeat.name == "children"
    assert household.repeat.is_repeat and household.repeat.gate == "has_children"
    assert defn.section_of("child_age") is household
    assert defn.question("child_age").in_repeat


def test_every_fact_column_is_a_real_fact(defn):
    for question in defn.questions:
        if question.fact is None:
            continue
        if question.in_repeat:
            parent, _, field_name = question.fact.partition(".")
            assert parent == "children" and field_name in CHILD_FIELDS, question.name
        else:
            assert question.fact in FACTS and question.fact != "as_of", question.name


def test_every_answerable_fact_is_asked(defn):
    asked = set(defn.fact_questions)
    assert set(FACTS) - {"as_of"} <= asked
    assert {f"children.{name}" for name in CHILD_FIELDS} <= asked
    assert "as_of" not in asked
    # A missing fact links back to a question she can answer (the gate for a number or date).
    assert defn.fact_questions["isee"] == "isee_known"
    assert defn.fact_questions["children"] == defn.section_of("children").repeat.questions[0].name
    for question_name in defn.fact_questions.values():
        defn.question(question_name)


@pytest.mark.parametrize(
    ("question", "values"),
    [
        ("citizenship", CITIZENSHIPS),
        ("permit", PERMITS),
        ("employment", EMPLOYMENTS),
        ("resignation_reason", RESIGNATION_REASONS),
    ],
)
def test_enum_lists_match_facts_md(defn, question, values):
    q = defn.question(question)
    assert q.fact == question and q.type == "select_one"
    assert defn.choice_names(q.list_name) == [*values, *UNKNOWN_ANSWERS]


def test_dont_know_and_prefer_not_offered_on_every_single_choice(defn):
    for question in defn.questions:
        if question.type == "select_one":
            names = defn.choice_names(question.list_name)
            assert set(UNKNOWN_ANSWERS) <= set(names), question.name
    assert defn.choice_names("yes_no_unsure") == ["yes", "no", "dont_know", "prefer_not"]
    labels = {c.name: c.labels["it"] for c in defn.choices["yes_no_unsure"]}
    assert labels["dont_know"] == "Non so"
    assert labels["prefer_not"] == "Preferisco non rispondere"


def test_boolean_facts_use_yes_no_unsure(defn):
    for question in defn.questions:
        spec = FACTS.get(question.fact or "") or CHILD_FIELDS.get(
            (question.fact or "").partition(".")[2]
        )
        if spec is not None and spec.kind == "boolean":
            assert question.list_name == "yes_no_unsure", question.name


def test_numbers_and_dates_can_be_declined(defn):
    """No number or date is forced: either a gate offers "Non so", or it may be left empty."""
    for question in defn.questions:
        if question.type in ("integer", "decimal", "date"):
            assert question.gate is not None or not question.required, question.name
        if question.required:
            assert question.gate is not None, question.name
    isee = defn.question("isee")
    assert isee.gate == "isee_known" and isee.relevant == "${isee_known} = 'yes'"
    assert defn.choice_names(defn.question("isee_known").list_name) == [
        "yes",
        *UNKNOWN_ANSWERS,
    ]


def test_skip_logic_and_constraints(defn):
    assert defn.question("permit").relevant == "${citizenship} = 'NON_EU'"
    assert defn.question("age").constraint == ". >= 14 and . <= 110"
    assert defn.question("pregnant_month").constraint == ". >= 0 and . <= 9"
    assert defn.question("pregnant_month").type == "integer"
    assert defn.section_of("children").repeat.relevant == "${has_children} = 'yes'"
    assert defn.question("resignation_reason").relevant
    assert defn.question("protection_path_start").gate == "protection_path_start_known"
    assert defn.question("job_end_date").gate == "job_end_date_known"


def test_benefits_needs_and_contact(defn):
    benefits = defn.question("current_benefits")
    assert benefits.type == "select_multiple" and benefits.fact == "current_benefits"
    names = defn.choice_names(benefits.list_name)
    assert "none" in names
    assert set(names) - {"none", *UNKNOWN_ANSWERS} <= set(MEASURE_IDS)

    needs = defn.question("needs")
    assert needs.type == "select_multiple" and needs.need == "*"
    assert defn.choice_names(needs.list_name) == list(NEED_CODES)

    channels = defn.question("safe_channels")
    assert channels.contact == "channels" and channels.fact is None
    assert defn.choice_names(channels.list_name) == ["phone_call", "sms", "email", "through_centre"]
    times = defn.question("safe_times")
    assert times.contact == "times" and times.type == "text" and times.fact is None


def test_no_words_about_violence(defn):
    texts: list[tuple[str, str, str]] = []
    for question in defn.questions:
        for field_name in ("labels", "hints", "constraint_messages"):
            for code, text in getattr(question, field_name).items():
                texts.append((question.name, code, text))
    for section in defn.sections + [s.repeat for s in defn.sections if s.repeat]:
        texts += [(section.name, code, text) for code, text in section.labels.items()]
    for list_name, choices in defn.choices.items():
        for choice in choices:
            texts += [(f"{list_name}/{choice.name}", code, t) for code, t in choice.labels.items()]
    for language in defn.languages:
        texts.append(("title", language.code, language.title))
    bad = [
        (where, code, text)
        for where, code, text in texts
        for word in FORBIDDEN[code]
        if word in text.lower()
    ]
    assert bad == []


def test_load_definition_is_cached():
    assert load_definition() is load_definition()
