"""The sheets as rows of text, read from and written to the CSV files of `definition/`."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .vocabulary import SHEETS, FormError

DEFINITION_DIR = Path(__file__).resolve().parent.parent / "definition"


@dataclass
class FormRows:
    """The four sheets as rows of `{column: text}`; empty cells are "" and columns keep order."""

    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: list[dict[str, str]]
    languages: list[dict[str, str]]
    # Spreadsheet row of each row, when read from a workbook with blank rows in between, so that
    # errors point at the row the operator sees. Not part of the form's content.
    line_numbers: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False)

    def sheet(self, name: str) -> list[dict[str, str]]:
        return getattr(self, name)

    def columns(self, sheet: str) -> list[str]:
        """The sheet's columns in order."""
        return sheet_columns(self.sheet(sheet))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (a JSONField). Column order is stored apart: PostgreSQL's jsonb does
        not keep the key order of objects, and the exported workbook should look the same."""
        data: dict[str, Any] = {name: [dict(row) for row in self.sheet(name)] for name in SHEETS}
        data["columns"] = {name: self.columns(name) for name in SHEETS}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FormRows:
        """Inverse of `as_dict` (also accepts a dict without "columns")."""
        order: Mapping[str, list[str]] = data.get("columns") or {}
        sheets: dict[str, list[dict[str, str]]] = {}
        for name in SHEETS:
            rows = [
                {str(k): "" if v is None else str(v) for k, v in row.items()}
                for row in data.get(name) or []
            ]
            columns = list(order.get(name) or [])
            columns += [c for c in sheet_columns(rows) if c not in columns]
            sheets[name] = [{c: row.get(c, "") for c in columns} for row in rows]
        return cls(**sheets)

    def line(self, sheet: str, index: int) -> int:
        """The spreadsheet row number of `sheet[index]` (the header is row 1)."""
        numbers = self.line_numbers.get(sheet)
        if numbers is not None and 0 <= index < len(numbers):
            return numbers[index]
        return index + 2


def sheet_columns(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """All columns of a sheet in first-seen order (rows normally share one header)."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def load_rows(directory: Path | str = DEFINITION_DIR) -> FormRows:
    """Read `<sheet>.csv` for every sheet of the form from `directory`."""
    directory = Path(directory)
    sheets: dict[str, list[dict[str, str]]] = {}
    for name in SHEETS:
        path = directory / f"{name}.csv"
        if not path.is_file():
            raise FormError(f"Manca il file «{path.name}» della definizione del questionario.")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            sheets[name] = [
                {key: (value or "") for key, value in row.items() if key is not None}
                for row in reader
                if any((value or "").strip() for value in row.values() if isinstance(value, str))
            ]
    return FormRows(**sheets)


def save_rows(rows: FormRows, directory: Path | str = DEFINITION_DIR) -> None:
    """Write the sheets back as CSV (one row a line, "\\n" endings), e.g. after an import."""
    directory = Path(directory)
    for name in SHEETS:
        data = rows.sheet(name)
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=sheet_columns(data), lineterminator="\n")
            writer.writeheader()
            writer.writerows(data)
