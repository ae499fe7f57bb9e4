"""Questionnaire versions that cannot go wrong (issue 10, item 9): an upload with a missing
translation or a word about violence is refused with the row and the column named; a version can
be previewed in every language (a read: no session, nothing written); the difference between two
versions is told in words; a version replaced by a newer one no longer reads "Pubblicata".

The refused workbooks are real .xlsx files written cell by cell with openpyxl, and pyxform (the
reference converter) accepts each of them: the refusals are ours, not a syntax error."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from pyxform.xls2xform import convert

from scarpette.audit.models import AuditEvent
from scarpette.core.testing import keyed
from scarpette.questionnaire import xlsform
from scarpette.questionnaire.models import FormVersion, QuestionnaireSession
from scarpette.questionnaire.services import form_current, form_version_publish

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def errors_of(response) -> list[str]:
    content = text_of(response)
    assert "Il file non è valido:" in content
    return re.findall(r"<li>(.*?)</li>", content.split("Il file non è valido:", 1)[1])


def workbook(version: str, edits: dict[tuple[str, str, str], str]) -> tuple[bytes, dict]:
    """The repository's form as an .xlsx written cell by cell with openpyxl, with `edits`
    ({(sheet, row name or index, column): text}); returns the bytes and, for each edit, the
    spreadsheet row number and column letter it landed in."""
    rows = xlsform.load_rows()
    rows.settings[0]["version"] = version
    book = Workbook()
    book.remove(book.active)
    where = {}
    for sheet_name in xlsform.SHEETS:
        data = rows.sheet(sheet_name)
        header = rows.columns(sheet_name)
        sheet = book.create_sheet(sheet_name)
        sheet.append(header)
        for index, row in enumerate(data):
            values = dict(row)
            for (edit_sheet, key, column), text in edits.items():
                keys = (
                    (row.get("name") or "").strip(),
                    (row.get("code") or "").strip(),
                    str(index),
                )
                if edit_sheet == sheet_name and key in keys:
                    values[column] = text
                    where[(edit_sheet, key, column)] = (
                        index + 2,
                        sheet.cell(row=1, column=header.index(column) + 1).column_letter,
                    )
            sheet.append([values.get(column) or None for column in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), where


def pyxform_accepts(data: bytes) -> None:
    warnings: list[str] = []
    convert(xlsform=data, file_type=".xlsx", warnings=warnings, validate=False, form_name="data")
    assert warnings == []


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    form_current()
    return client


def upload(client, data: bytes):
    return client.post(
        reverse("questionnaire:form_versions"),
        keyed({"file": SimpleUploadedFile("questionario.xlsx", data, content_type=XLSX)}),
    )


# --- refused uploads ---------------------------------------------------------------------------


def test_a_missing_english_choice_label_names_its_row_and_column(admin):
    data, where = workbook("2099.11", {("choices", "0", "label::English (en)"): ""})
    pyxform_accepts(data)
    line, letter = where[("choices", "0", "label::English (en)")]
    first = xlsform.load_rows().choices[0]

    response = upload(admin, data)

    assert response.status_code == 400
    assert (
        f"foglio choices, riga {line} ({first['list_name']}/{first['name']}), colonna {letter} "
        "«label::English (en)»: manca la traduzione «label» in English (en)."
    ) in errors_of(response)
    assert not FormVersion.objects.filter(version="2099.11").exists()
    assert not AuditEvent.objects.filter(action="questionnaire.form.uploaded").exists()


@pytest.mark.parametrize(
    ("column", "text", "fragment"),
    [
        ("label::Italiano (it)", "Ha subito violenza in casa?", "violen"),
        ("hint::English (en)", "Tell us about any abuse.", "abus"),
        ("label::العربية (ar)", "هل تعرضتِ للعنف؟", "عنف"),
        ("label::Українська (uk)", "Чи зазнавали Ви насильства?", "насильств"),
    ],
)
def test_a_word_about_violence_in_a_text_she_may_see_is_refused(admin, column, text, fragment):
    data, where = workbook("2099.12", {("survey", "age", column): text})
    pyxform_accepts(data)
    line, letter = where[("survey", "age", column)]

    response = upload(admin, data)

    assert response.status_code == 400
    assert any(
        error.startswith(
            f"foglio survey, riga {line} (age), colonna {letter} «{column}»: il testo contiene "
            f"«{fragment}»"
        )
        for error in errors_of(response)
    )
    assert not FormVersion.objects.filter(version="2099.12").exists()


def test_a_word_about_violence_in_a_language_title_is_refused(admin):
    data, where = workbook("2099.13", {("languages", "fr", "title"): "Questionnaire violences"})
    pyxform_accepts(data)
    line, letter = where[("languages", "fr", "title")]

    response = upload(admin, data)

    assert response.status_code == 400
    assert any(
        error.startswith(f"foglio languages, riga {line}, colonna {letter} «title»")
        for error in errors_of(response)
    )


def test_the_repository_form_has_no_sensitive_word_and_stays_valid():
    assert xlsform.validate(xlsform.load_rows()) == []


def test_a_clean_workbook_written_cell_by_cell_is_accepted(admin):
    data, _ = workbook("2099.14", {})
    pyxform_accepts(data)

    response = upload(admin, data)

    assert response.status_code == 302
    assert FormVersion.objects.get(version="2099.14").status == "draft"


# --- preview -----------------------------------------------------------------------------------


def draft_with_new_age_label(admin, version: str = "2099.21") -> FormVersion:
    data, _ = workbook(
        version,
        {
            ("survey", "age", "label::Italiano (it)"): "Quanti anni ha compiuto?",
            ("survey", "age", "label::English (en)"): "What is your age?",
        },
    )
    assert upload(admin, data).status_code == 302
    return FormVersion.objects.get(version=version)


@pytest.mark.parametrize("code", ["it", "en", "ar", "uk"])
def test_a_draft_is_previewed_in_each_language_and_nothing_is_written(admin, code):
    draft = draft_with_new_age_label(admin)
    definition = xlsform.parse(xlsform.FormRows.from_dict(draft.rows))
    language = definition.language(code)
    events = AuditEvent.objects.count()

    response = admin.get(
        reverse("questionnaire:form_version_preview", kwargs={"public_id": draft.public_id}),
        {"lingua": code},
    )

    assert response.status_code == 200
    content = text_of(response)
    for section in definition.sections:
        assert section.label(code) in content
    for question in definition.questions:
        if question.type != "calculate":
            assert question.label(code) in content, question.name
    assert f'lang="{code}" dir="{language.direction}"' in content
    assert "<fieldset disabled>" in content
    page = content.split("<h1>", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in page and "<button" in page  # only the language's GET form
    assert QuestionnaireSession.objects.count() == 0
    assert AuditEvent.objects.count() == events
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unknown_preview_language_falls_back_to_italian(admin):
    version = form_current()
    response = admin.get(
        reverse("questionnaire:form_version_preview", kwargs={"public_id": version.public_id}),
        {"lingua": "xx"},
    )
    assert response.status_code == 200
    assert "Quanti anni ha?" in text_of(response)


# --- differences -------------------------------------------------------------------------------


def test_the_difference_with_the_current_version_is_told_in_words(admin):
    draft = draft_with_new_age_label(admin)

    response = admin.get(
        reverse("questionnaire:form_version_diff", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 200
    content = text_of(response)
    old = form_current().version
    assert f"Dalla versione {old} alla versione 2099.21." in content
    assert "Domande cambiate" in content
    assert "testo in Italiano: prima «Quanti anni ha?», ora «Quanti anni ha compiuto?»" in content
    assert "testo in English: prima «How old are you?», ora «What is your age?»" in content
    assert "Domande aggiunte" not in content and "Domande tolte" not in content


def test_the_diff_names_added_and_removed_questions_choices_and_conditions():
    older = xlsform.load_rows()
    newer = xlsform.load_rows()
    newer.settings[0]["version"] = "2099.31"
    age = next(row for row in newer.survey if row["name"] == "age")
    # A new question after age, the removal of a choice, and a new condition on age.
    index = newer.survey.index(age)
    added = {column: "" for column in newer.columns("survey")}
    added.update({"type": "text", "name": "nickname"})
    for column in newer.columns("survey"):
        if column.startswith("label::"):
            added[column] = "Come preferisce essere chiamata?"
    newer.survey.insert(index + 1, added)
    removed_choice = newer.choices.pop(0)
    age["relevant"] = "${nickname} != ''"

    result = xlsform.form_diff(xlsform.parse(older), xlsform.parse(newer))

    assert ("Come preferisce essere chiamata?", "La sua situazione") in result.questions_added
    assert result.questions_removed == []
    changes = {item.label: item.changes for item in result.questions_changed}
    assert (
        "quando appare: prima sempre, ora in base alla risposta a «Come preferisce essere "
        "chiamata?»"
    ) in changes["Quanti anni ha?"]
    removed_label = removed_choice["label::Italiano (it)"]
    assert any(
        f"scelte tolte: «{removed_label}»" in change
        for item_changes in changes.values()
        for change in item_changes
    )


def test_a_version_with_nothing_to_compare_says_so(admin):
    version = form_current()
    response = admin.get(
        reverse("questionnaire:form_version_diff", kwargs={"public_id": version.public_id})
    )
    assert response.status_code == 200
    assert "Non c'è un'altra versione con cui confrontarla." in text_of(response)


# --- replaced versions -------------------------------------------------------------------------


def test_a_replaced_version_reads_replaced_with_its_date(admin, personas):
    old = form_current()
    draft = draft_with_new_age_label(admin, "2099.41")
    form_version_publish(actor=personas.admin, version=draft)
    draft.refresh_from_db()

    content = text_of(admin.get(reverse("questionnaire:form_versions")))

    from django.utils import formats, timezone

    date = formats.date_format(timezone.localtime(draft.published_at), "j F Y")
    assert f'<th scope="row">{old.version}</th><td>Sostituita il {date}</td>' in content
    assert '<th scope="row">2099.41</th><td>Pubblicata, in uso</td>' in content
    assert content.count("<td>Pubblicata") == 1
