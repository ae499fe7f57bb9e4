"""Bounds on an uploaded .xlsx, checked before openpyxl parses it.

A 3 MB workbook can unpack to hundreds of megabytes, or declare a cell in row 1,048,576 that makes
the reader pad a million empty rows: a 300,000-row file took 90 s and 1 GB and starved the other
users. Here the zip's directory is read first (members, declared unpacked sizes: zipfile never
inflates a member beyond its declared size), then each worksheet's XML is streamed and counted
(rows, columns by their cell references, cells), stopping at the first bound crossed, all within a
time budget. Only a file within every bound reaches openpyxl.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 100
MAX_ROWS = 2_000
MAX_COLUMNS = 60
MAX_CELLS = 100_000
TIME_BUDGET_SECONDS = 3.0

_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z0-9:]+)\"")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class TooLarge(ValueError):
    """The workbook crosses a bound; the message (Italian) names it."""


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member → the name the administrator sees; empty if the workbook says otherwise."""
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ParseError, DefusedXmlException):
        return {}
    targets = {
        rel.get("Id"): "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/")
        for rel in rels.iter(f"{_PKG_REL}Relationship")
    }
    return {
        targets.get(sheet.get(f"{_REL}id"), ""): sheet.get("name", "")
        for sheet in book.iter(f"{_MAIN}sheet")
    }


def check_workbook_bounds(data: bytes) -> None:
    """Raise TooLarge naming the first bound crossed, or zipfile.BadZipFile if it is no zip."""
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise TooLarge(
            _("Il file contiene troppe parti (%(count)s): il massimo è %(max)s.")
            % {"count": _n(len(members)), "max": _n(MAX_MEMBERS)}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise TooLarge(
            _(
                "Il file decompresso occupa %(size)s MB: il massimo è %(max)s MB. "
                "Controlli che i fogli contengano solo il questionario."
            )
            % {"size": _n(-(-unpacked // 2**20)), "max": _n(MAX_UNPACKED_BYTES // 2**20)}
        )
    names = _sheet_names(archive)
    cells = 0
    for member in members:
        if not _SHEET_MEMBER.fullmatch(member.filename):
            continue
        sheet = names.get(member.filename) or member.filename.rsplit("/", 1)[-1]
        with archive.open(member) as stream:
            _check_dimension(sheet, stream.read(2048))
        cells += _count_sheet(archive, member, sheet, deadline)
        if cells > MAX_CELLS:
            raise TooLarge(
                _("Il file contiene più di %(max)s celle compilate: è troppo grande.")
                % {"max": _n(MAX_CELLS)}
            )


def _rows_error(sheet: str) -> TooLarge:
    return TooLarge(
        _("Il foglio «%(sheet)s» ha più di %(max)s righe: il massimo è %(max)s.")
        % {"sheet": sheet, "max": _n(MAX_ROWS)}
    )


def _columns_error(sheet: str) -> TooLarge:
    return TooLarge(
        _("Il foglio «%(sheet)s» ha più di %(max)s colonne: il massimo è %(max)s.")
        % {"sheet": sheet, "max": _n(MAX_COLUMNS)}
    )


def _check_dimension(sheet: str, head: bytes) -> None:
    """The sheet's declared extent (`<dimension ref="A1:AG83"/>`), when present: a quick refusal."""
    match = _DIMENSION.search(head)
    if not match:
        return
    last = _CELL_REF.fullmatch(match.group(1).decode().split(":")[-1])
    if last:
        if int(last.group(2)) > MAX_ROWS:
            raise _rows_error(sheet)
        if _column_index(last.group(1)) > MAX_COLUMNS:
            raise _columns_error(sheet)


def _count_sheet(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, sheet: str, deadline: float
) -> int:
    """Stream the sheet's XML: rows and columns by position (not by count), and cells."""
    cells = row_index = column_index = 0
    with archive.open(member) as stream:
        try:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start" and tag == f"{_MAIN}row":
                    reference = element.get("r", "")
                    row_index = int(reference) if reference.isdigit() else row_index + 1
                    column_index = 0
                    if row_index > MAX_ROWS:
                        raise _rows_error(sheet)
                    if row_index % 100 == 0 and time.monotonic() > deadline:
                        raise TooLarge(_("Il file richiede troppo tempo per essere letto."))
                elif event == "start" and tag == f"{_MAIN}c":
                    match = _CELL_REF.fullmatch(element.get("r", ""))
                    column_index = _column_index(match.group(1)) if match else column_index + 1
                    if match and int(match.group(2)) > MAX_ROWS:
                        raise _rows_error(sheet)
                    if column_index > MAX_COLUMNS:
                        raise _columns_error(sheet)
                    cells += 1
                elif event == "end" and tag == f"{_MAIN}row":
                    element.clear()  # keep memory flat: only the current row is held
        except (ParseError, DefusedXmlException):
            raise zipfile.BadZipFile(member.filename) from None
    return cells
