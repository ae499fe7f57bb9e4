"""The reference converter's opinion: pyxform converts the rows; its errors and warnings
count, pointed at the rows the operator uploaded."""

from __future__ import annotations

import re

from .rows import FormRows
from .workbook import to_workbook_bytes


def run_pyxform(rows: FormRows) -> list[str]:
    """Convert with pyxform (without the Java ODK Validate); its errors and warnings count."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(
            xlsform=to_workbook_bytes(rows),
            file_type=".xlsx",
            warnings=warnings,
            validate=False,
            form_name="data",
        )
    except PyXFormError as exc:
        return [f"pyxform: {_remap_pyxform_rows(rows, str(exc))}"]
    except Exception as exc:  # noqa: BLE001 - pyxform may crash on odd input; report, don't raise
        return [f"pyxform: errore inatteso nella conversione ({type(exc).__name__}: {exc})"]
    return [f"pyxform (avviso): {_remap_pyxform_rows(rows, warning)}" for warning in warnings]


_PYXFORM_ROW = re.compile(r"\[row : (\d+)\]")


def _remap_pyxform_rows(rows: FormRows, message: str) -> str:
    """pyxform numbers rows of the compact workbook we give it; point at the uploaded rows."""
    sheet = "choices" if "'choices' sheet" in message else "survey"
    return _PYXFORM_ROW.sub(
        lambda match: f"[row : {rows.line(sheet, int(match.group(1)) - 2)}]", message
    )
