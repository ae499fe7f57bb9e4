"""Workbook round-trip, upload errors, and validation messages that name the row."""

from __future__ import annotations

import copy
import io

import pytest
from openpyxl import Workbook, load_workbook

from scarpette.questionnaire.xlsform import (
    FormError,
    FormRows,
    check_expression,
    load_rows,
    parse,
    rows_from_workbook,
    save_rows,
    to_workbook_bytes,
    validate,
)


@pytest.fixture(scope="module")
def base_rows() -> FormRows:
    return load_rows()


@pytest.fixture
def rows(base_rows) -> FormRows:
    return copy.deepcopy(base_rows)


def _row_index(rows: FormRows, name: str) -> int:
    return next(i for i, row in enumerate(rows.survey) if row.get("name") == name)


def _roundtrip(rows: FormRows) -> FormRows:
    return rows_from_workbook(to_workbook_bytes(rows))


def test_workbook_roundtrip_is_exact(base_rows):
    assert _roundtrip(base_rows) == base_rows


def test_workbook_has_the_sheets_in_order(base_rows):
    workbook = load_workbook(io.BytesIO(to_workbook_bytes(base_rows)))
    assert workbook.sheetnames == ["survey", "choices", "settings", "languages"]
    assert workbook["survey"]["A1"].value == "type"


def test_text_that_looks_like_a_formula_stays_text(rows):
    rows.survey[1]["label::English (en)"] = "=1+1"
    assert _roundtrip(rows).survey[1]["label::English (en)"] == "=1+1"


def test_csv_roundtrip(tmp_path, base_rows):
    save_rows(base_rows, tmp_path)
    assert load_rows(tmp_path) == base_rows
    assert (tmp_path / "survey.csv").read_bytes().count(b"\r\n") == 0


def test_not_a_workbook():
    with pytest.raises(FormError, match="non è un foglio di calcolo"):
        rows_from_workbook(b"this is not a spreadsheet")


def test_missing_sheet(base_rows):
    workbook = load_workbook(io.BytesIO(to_workbook_bytes(base_rows)))
    del workbook["choices"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FormError, match="manca il foglio «choices»"):
        rows_from_workbook(buffer.getvalue())


def test_spreadsheet_typed_cells_are_read_as_text(base_rows):
    """Excel turns "2026.1" into a number and "yes" may become TRUE; we read back text."""
    workbook = load_workbook(io.BytesIO(to_workbook_bytes(base_rows)))
    settings = workbook["settings"]
    header = [cell.value for cell in settings[1]]
    settings.cell(row=2, column=header.index("version") + 1, value=2026.1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert rows_from_workbook(buffer.getvalue()).settings[0]["version"] == "2026.1"


def test_column_without_header_is_an_error():
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name"])
    survey.append(["integer", "age", "stray"])
    for name in ("choices", "settings", "languages"):
        workbook.create_sheet(name).append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FormError, match="riga 2"):
        rows_from_workbook(buffer.getvalue())


def test_removed_translation_names_row_and_language(rows):
    index = _row_index(rows, "isee")
    rows.survey[index]["label::Español (es)"] = ""
    errors = validate(_roundtrip(rows))
    assert errors == [
        f"foglio survey, riga {index + 2} (isee), colonna F «label::Español (es)»: manca la traduzione «label» in Español (es)."
    ]


def test_removed_choice_translation(rows):
    index = next(i for i, r in enumerate(rows.choices) if r["list_name"] == "permit")
    rows.choices[index]["label::Українська (uk)"] = ""
    errors = validate(rows)
    assert len(errors) == 1
    assert f"riga {index + 2} (permit/" in errors[0] and "Українська (uk)" in errors[0]


def test_removed_language_column_is_reported(rows):
    for row in rows.choices:
        del row["label::中文 (zh)"]
    errors = validate(rows)
    assert errors and all("中文 (zh)" in error for error in errors)


def test_unknown_fact(rows):
    index = _row_index(rows, "renting")
    rows.survey[index]["fact"] = "rent_amount"
    errors = validate(_roundtrip(rows))
    assert errors == [
        f"foglio survey, riga {index + 2} (renting): «rent_amount» non è un fatto dello "
        "screening (facts.md)."
    ]


def test_fact_with_incompatible_question(rows):
    index = _row_index(rows, "renting")
    rows.survey[index]["fact"] = "isee"
    errors = validate(rows)
    assert any("(renting)" in e and "«isee»" in e for e in errors)


def test_enum_choice_outside_facts_md(rows):
    rows.choices.append({**rows.choices[-1], "list_name": "citizenship", "name": "DUAL"})
    errors = validate(rows)
    assert any("(citizenship)" in e and "DUAL" in e for e in errors)


def test_unknown_need_code(rows):
    index = _row_index(rows, "has_business_project")
    rows.survey[index]["fact"] = ""
    rows.survey[index]["need"] = "transport"
    errors = validate(rows)
    assert any(f"riga {index + 2}" in e and "transport" in e for e in errors)


def test_duplicate_name(rows):
    index = _row_index(rows, "renting")
    rows.survey[index]["name"] = "age"
    rows.survey[index]["fact"] = ""
    errors = validate(rows)
    assert any(f"riga {index + 2} (age): il nome «age» è già usato" in e for e in errors)


def test_list_without_dont_know_is_refused(rows):
    rows.choices = [
        r for r in rows.choices if not (r["list_name"] == "employment" and r["name"] == "dont_know")
    ]
    errors = validate(rows)
    assert any("(employment)" in e and "dont_know" in e for e in errors)


def test_required_without_gate_is_refused(rows):
    index = _row_index(rows, "age")
    rows.survey[index]["required"] = "yes"
    errors = validate(rows)
    assert any(f"riga {index + 2} (age)" in e and "required" in e for e in errors)


def test_broken_expression_reference_is_a_pyxform_error(rows):
    index = _row_index(rows, "permit")
    rows.survey[index]["relevant"] = "${citizenshp} = 'NON_EU'"
    errors = validate(_roundtrip(rows))
    pyxform_errors = [e for e in errors if e.startswith("pyxform:")]
    assert pyxform_errors and f"[row : {index + 2}]" in pyxform_errors[0]
    assert "citizenshp" in pyxform_errors[0]
    # Our own check names the row too.
    assert any(e.startswith(f"foglio survey, riga {index + 2} (permit)") for e in errors)


def test_broken_expression_syntax_names_the_row(rows):
    index = _row_index(rows, "permit")
    rows.survey[index]["relevant"] = "${citizenship} = 'NON_EU' and ("
    errors = validate(rows)
    assert errors == [
        f"foglio survey, riga {index + 2} (permit): espressione «relevant» non valida: "
        "espressione incompleta: manca un valore alla fine."
    ]


def test_unbalanced_group_is_reported(rows):
    index = _row_index(rows, "renting") - 1  # the begin_group of "assets"
    assert rows.survey[index]["type"] == "begin_group"
    del rows.survey[index]
    errors = validate(rows)
    assert errors
    assert any("end_group senza" in e for e in errors)


@pytest.mark.parametrize(
    "expression",
    [
        "${a} = 'yes'",
        ". >= 14 and . <= 110",
        "not(selected(., 'none') and count-selected(.) > 1)",
        "if(${a} = 'yes', 1, 0) + 2 * 3 div 4 mod 5 - -1",
        ". <= today()",
        "(${a} != 'no' or ${a} = '') and ${a} < 3.5",
    ],
)
def test_supported_expressions(expression):
    assert check_expression(expression, {"a"}) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("${a} = = 'yes'", "atteso un valore"),
        ("${a} = 'yes' and (", "espressione incompleta"),
        ("lunghezza(.) > 2", "lunghezza"),
        ("${b} = 'yes'", "non è una domanda"),
        ("selected(.)", "vuole 2 argomenti"),
        ("${a} = 'yes')", "in più"),
        ("/data/a = 1", "percorsi XPath"),
        ("", "espressione vuota"),
    ],
)
def test_unsupported_expressions(expression, message):
    problem = check_expression(expression, {"a"})
    assert problem is not None and message in problem


def test_parse_api(base_rows):
    defn = parse(base_rows)
    isee = defn.question("isee")
    assert (isee.type, isee.fact, isee.gate, isee.section, isee.in_repeat) == (
        "decimal",
        "isee",
        "isee_known",
        "income",
        False,
    )
    assert isee.required and isee.labels["it"].startswith("Valore dell'ISEE")
    assert isee.constraint_messages["ar"]
    child_age = defn.question("child_age")
    assert (
        child_age.in_repeat and child_age.repeat == "children" and child_age.section == "household"
    )
    assert defn.language("ar").direction == "rtl" and defn.language("ar").is_draft
    assert defn.choices["yes_no_unsure"][0].label("fr") == "Oui"
    assert defn.fact_questions["children.born_on"] == "child_born_on_known"
    assert defn.fact_questions["renting"] == "renting"
    household = defn.section_of("household")
    kinds = [type(item).__name__ for item in household.items]
    assert kinds.count("Section") == 1 and household.repeat in household.items
    assert all(q.name != "child_age" for q in household.questions)


def test_blank_rows_in_an_upload_keep_the_operator_row_numbers(rows):
    """People leave blank lines between sections; errors must still name the row they see."""
    index = _row_index(rows, "permit")
    rows.survey[index]["label::Română (ro)"] = ""
    rows.survey[index]["relevant"] = "${citizenshp} = 'NON_EU'"
    workbook = load_workbook(io.BytesIO(to_workbook_bytes(rows)))
    workbook["survey"].insert_rows(3, amount=2)  # two blank rows after the first question
    buffer = io.BytesIO()
    workbook.save(buffer)
    uploaded = rows_from_workbook(buffer.getvalue())
    assert uploaded == rows  # blank rows are not content
    errors = validate(uploaded)
    row = index + 4
    assert (
        f"foglio survey, riga {row} (permit), colonna I «label::Română (ro)»: manca la traduzione «label» in Română (ro)."
        in errors
    )
    assert any(e.startswith("pyxform:") and f"[row : {row}]" in e for e in errors)


def test_json_roundtrip_keeps_column_order_even_if_keys_are_shuffled(base_rows):
    """As stored in a JSONField: PostgreSQL jsonb reorders keys, the columns list restores them."""
    import json

    data = json.loads(json.dumps(base_rows.as_dict()))
    for name in ("survey", "choices", "settings", "languages"):
        data[name] = [dict(sorted(row.items())) for row in data[name]]
    restored = FormRows.from_dict(data)
    assert restored == base_rows
    assert list(restored.survey[0]) == list(base_rows.survey[0])
    assert _roundtrip(restored) == base_rows


def test_parse_cached(base_rows):
    from scarpette.questionnaire.xlsform import parse_cached

    first = parse_cached("test-1", base_rows.as_dict())
    assert parse_cached("test-1", {}) is first
    assert first.form_id == "needs_questionnaire"
