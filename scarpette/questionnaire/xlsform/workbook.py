"""The form as an .xlsx workbook: export for editing, and reading an uploaded one back."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable
from typing import Any

from .rows import FormRows, sheet_columns
from .vocabulary import SHEETS, FormError


def to_workbook_bytes(rows: FormRows) -> bytes:
    """The form as an .xlsx workbook (one sheet per XLSForm sheet), every cell stored as text."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        data = rows.sheet(name)
        sheet = workbook.create_sheet(name)
        header = sheet_columns(data)
        for col, column in enumerate(header, start=1):
            sheet.cell(row=1, column=col, value=column)
        for row_index, row in enumerate(data, start=2):
            for col, column in enumerate(header, start=1):
                value = row.get(column, "")
                if value == "":
                    continue
                cell = sheet.cell(row=row_index, column=col, value=value)
                # A label starting with "=" must stay text, not become a spreadsheet formula.
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    """A cell as the text the CSV would hold (spreadsheets turn "2026.1" or "yes" into types)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def rows_from_workbook(data: bytes) -> FormRows:
    """Read an uploaded .xlsx; a bad file or a missing sheet raises FormError in Italian."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from scarpette.questionnaire.xlsx_bounds import TooLarge, check_workbook_bounds

    unreadable = FormError(
        "Il file caricato non è un foglio di calcolo .xlsx leggibile. "
        "Lo salvi in formato Excel (.xlsx) e riprovi."
    )
    try:
        # Before openpyxl: a small file may unpack to a huge one (see xlsx_bounds).
        check_workbook_bounds(data)
    except TooLarge as exc:
        raise FormError(str(exc)) from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error):
        raise unreadable from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise unreadable from None
    try:
        sheets: dict[str, list[dict[str, str]]] = {}
        lines: dict[str, list[int]] = {}
        for name in SHEETS:
            if name not in workbook.sheetnames:
                raise FormError(
                    f"Nel file manca il foglio «{name}» (servono i fogli: {', '.join(SHEETS)})."
                )
            sheets[name], lines[name] = _read_sheet(
                name, workbook[name].iter_rows(values_only=True)
            )
    finally:
        workbook.close()
    return FormRows(**sheets, line_numbers=lines)


def _read_sheet(
    name: str, raw_rows: Iterable[tuple[Any, ...]]
) -> tuple[list[dict[str, str]], list[int]]:
    """A sheet's rows (blank rows dropped) and the spreadsheet row number of each."""
    iterator = iter(raw_rows)
    header_cells = [_cell_text(value).strip() for value in next(iterator, ())]
    while header_cells and not header_cells[-1]:
        header_cells.pop()
    if not header_cells:
        raise FormError(f"Foglio «{name}», riga 1: manca la riga di intestazione delle colonne.")
    seen: set[str] = set()
    for position, column in enumerate(header_cells, start=1):
        if not column:
            raise FormError(f"Foglio «{name}», riga 1: la colonna {position} non ha intestazione.")
        if column in seen:
            raise FormError(f"Foglio «{name}», riga 1: la colonna «{column}» compare due volte.")
        seen.add(column)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for row_number, values in enumerate(iterator, start=2):
        texts = [_cell_text(value) for value in values]
        extra = [text for text in texts[len(header_cells) :] if text.strip()]
        if extra:
            raise FormError(
                f"Foglio «{name}», riga {row_number}: c'è un valore in una colonna senza "
                "intestazione."
            )
        texts = (texts + [""] * len(header_cells))[: len(header_cells)]
        if any(text.strip() for text in texts):
            rows.append(dict(zip(header_cells, texts, strict=True)))
            lines.append(row_number)
    return rows, lines
