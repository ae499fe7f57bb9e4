"""An uploaded .xlsx is bounded before it is parsed: a small file that unpacks to a huge one is
refused at once with a message naming the limit, and a normal workbook still goes through."""

from __future__ import annotations

import html
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from scarpette.core.testing import keyed
from scarpette.questionnaire import xlsform, xlsx_bounds
from scarpette.questionnaire.models import FormVersion
from scarpette.questionnaire.services import form_current
from scarpette.questionnaire.xlsx_bounds import check_workbook_bounds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SURVEY_MEMBER = "xl/worksheets/sheet1.xml"  # the first sheet of to_workbook_bytes: survey
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def with_survey_sheet(xml_parts, *, extra_members: int = 0) -> bytes:
    """The repository workbook with its survey sheet replaced by the given XML, streamed."""
    source = zipfile.ZipFile(io.BytesIO(xlsform.to_workbook_bytes(xlsform.load_rows())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != SURVEY_MEMBER:
                target.writestr(member, source.read(member))
        with target.open(SURVEY_MEMBER, "w", force_zip64=True) as sheet:
            for part in xml_parts:
                sheet.write(part.encode())
        for i in range(extra_members):
            target.writestr(f"docProps/extra{i}.xml", "<x/>")
    return buffer.getvalue()


def sheet(rows, *, dimension: str | None = None):
    yield HEAD
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


def text_rows(count: int, columns: str = "ABC"):
    for r in range(1, count + 1):
        cells = "".join(
            f'<c r="{col}{r}" t="inlineStr"><is><t>domanda {r}</t></is></c>' for col in columns
        )
        yield f'<row r="{r}">{cells}</row>'


def upload(client, data: bytes):
    return client.post(
        reverse("questionnaire:form_versions"),
        keyed({"file": SimpleUploadedFile("questionario.xlsx", data, content_type=XLSX)}),
    )


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    form_current()
    return client


def test_a_300000_row_workbook_is_refused_in_well_under_a_second(admin, capsys):
    data = with_survey_sheet(sheet(text_rows(300_000), dimension="A1:C300000"))
    assert len(data) < 5 * 1024 * 1024  # it passes the upload size: only the bounds stop it

    started = time.perf_counter()
    response = upload(admin, data)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    with pytest.raises(ValueError):
        check_workbook_bounds(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 400
    assert "Il file decompresso occupa" in text_of(response)
    assert "il massimo è 5 MB" in text_of(response)
    assert FormVersion.objects.count() == 1
    assert elapsed < 2.0
    with capsys.disabled():
        print(
            f"\n300,000-row upload ({len(data) / 2**20:.1f} MB): refused in {elapsed:.3f} s,"
            f" bounds check peak {peak / 2**20:.2f} MB"
        )


def test_rows_beyond_the_limit_are_refused_even_without_a_declared_extent(admin):
    response = upload(admin, with_survey_sheet(sheet(text_rows(2_001, columns="A"))))

    assert response.status_code == 400
    assert "Il foglio «survey» ha più di 2.000 righe: il massimo è 2.000." in text_of(response)


def test_a_declared_extent_beyond_the_limit_is_refused_before_reading_the_rows(admin):
    started = time.perf_counter()
    response = upload(admin, with_survey_sheet(sheet(text_rows(10), dimension="A1:C1048576")))
    assert time.perf_counter() - started < 2.0

    assert response.status_code == 400
    assert "Il foglio «survey» ha più di 2.000 righe" in text_of(response)


@pytest.mark.parametrize(
    ("cell", "limit"), [("XFD1", "più di 60 colonne"), ("A1048576", "più di 2.000 righe")]
)
def test_one_far_away_cell_is_refused(admin, cell, limit):
    # openpyxl would pad every row or column up to it: refused by its position, not its count.
    row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    far = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
    response = upload(admin, with_survey_sheet(sheet([*text_rows(3), far])))

    assert response.status_code == 400
    assert f"Il foglio «survey» ha {limit}" in text_of(response)


def test_too_many_cells_are_refused(admin, monkeypatch):
    # This bound, not the time budget (which a loaded CI machine might reach first).
    monkeypatch.setattr(xlsx_bounds, "TIME_BUDGET_SECONDS", 60.0)
    columns = [xlsform_column(i) for i in range(1, 61)]
    rows = (
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in columns) + "</row>"
        for r in range(1, 1_701)
    )
    response = upload(admin, with_survey_sheet(sheet(rows)))

    assert response.status_code == 400
    assert "Il file contiene più di 100.000 celle compilate" in text_of(response)


def test_a_file_that_takes_too_long_is_refused(admin, monkeypatch):
    monkeypatch.setattr(xlsx_bounds, "TIME_BUDGET_SECONDS", 0.0)

    response = upload(admin, with_survey_sheet(sheet(text_rows(200, columns="A"))))

    assert response.status_code == 400
    assert "Il file richiede troppo tempo per essere letto." in text_of(response)


def test_too_many_members_are_refused(admin):
    response = upload(admin, with_survey_sheet(sheet(text_rows(3)), extra_members=100))

    assert response.status_code == 400
    assert "Il file contiene troppe parti" in text_of(response)


def test_a_sheet_that_is_not_xml_is_unreadable(admin):
    response = upload(admin, with_survey_sheet(["<worksheet><sheetData><row>"]))

    assert response.status_code == 400
    assert "non è un foglio di calcolo .xlsx leggibile" in text_of(response)


def test_a_workbook_saved_by_a_spreadsheet_program_is_within_bounds():
    # openpyxl saves like Excel (shared strings, dimensions): the real form passes.
    workbook = load_workbook(io.BytesIO(xlsform.to_workbook_bytes(xlsform.load_rows())))
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_workbook_bounds(buffer.getvalue())
    assert xlsform.rows_from_workbook(buffer.getvalue()).survey == xlsform.load_rows().survey


def test_a_normal_upload_is_stored_as_a_draft(admin):
    rows = xlsform.load_rows()
    rows.settings[0]["version"] = "2099.7"

    response = upload(admin, xlsform.to_workbook_bytes(rows))

    assert response.status_code == 302
    assert FormVersion.objects.get(version="2099.7").status == FormVersion.Status.DRAFT


def xlsform_column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
