"""Helpers shared by validation and parsing: row types, language columns, row references,
and what every check needs to know about the rows (`FormContext`), computed once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .rows import FormRows

TRUE_VALUES = frozenset({"yes", "true", "true()"})
FALSE_VALUES = frozenset({"", "no", "false", "false()"})
_LANG_CODE = re.compile(r"\(([^()]+)\)\s*$")
_GATE = re.compile(r"^\s*\$\{([A-Za-z_][\w.-]*)\}\s*=\s*'yes'\s*$")


def split_type(raw: str) -> tuple[str, str | None]:
    """`"select_one yes_no_unsure"` -> ("select_one", "yes_no_unsure"); `"begin group"` ok too."""
    parts = raw.split()
    if not parts:
        return "", None
    if len(parts) == 2 and parts[0] in ("begin", "end") and parts[1] in ("group", "repeat"):
        return f"{parts[0]}_{parts[1]}", None
    if parts[0] in ("select_one", "select_multiple"):
        return parts[0], (parts[1] if len(parts) > 1 else None)
    return " ".join(parts), None


def language_code(column: str) -> tuple[str, str | None]:
    """`"label::Español (es)"` -> ("label", "es"); a column without a language gives None."""
    base, sep, language = column.partition("::")
    if not sep:
        return column, None
    match = _LANG_CODE.search(language)
    return base, (match.group(1) if match else language)


def is_true(value: str) -> bool:
    return value.strip().lower() in TRUE_VALUES


def row_ref(rows: FormRows, sheet: str, index: int, row: Mapping[str, str]) -> str:
    """How errors point at a row: spreadsheet numbering (header is row 1), plus its name."""
    name = (row.get("name") or "").strip()
    where = f"foglio {sheet}, riga {rows.line(sheet, index)}"
    return f"{where} ({name})" if name else where


def column_letter(position: int) -> str:
    """1 -> "A", 27 -> "AA": the spreadsheet's name of a column."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_ref(rows: FormRows, sheet: str, column: str) -> str:
    """How errors point at a column: its letter in the sheet (header order) and its header."""
    columns = rows.columns(sheet)
    if column in columns:
        return f"colonna {column_letter(columns.index(column) + 1)} «{column}»"
    return f"colonna «{column}» (da aggiungere)"


@dataclass(frozen=True)
class FormContext:
    """What every check needs to know about the rows, computed once."""

    languages: dict[str, str]  # code -> column suffix "Native (code)"
    lists: dict[str, list[str]]  # choice list -> choice names in order
    types: dict[str, tuple[str, str | None]]  # survey name -> (type, list)
    names: frozenset[str]
    facts: dict[str, str]  # survey name -> its fact, where it has one


def form_context(rows: FormRows) -> FormContext:
    languages = {
        (row.get("code") or "").strip(): f"{(row.get('native_name') or '').strip()} "
        f"({(row.get('code') or '').strip()})"
        for row in rows.languages
    }
    lists: dict[str, list[str]] = {}
    for row in rows.choices:
        lists.setdefault((row.get("list_name") or "").strip(), []).append(
            (row.get("name") or "").strip()
        )
    types = {}
    facts = {}
    for row in rows.survey:
        name = (row.get("name") or "").strip()
        if name:
            types[name] = split_type(row.get("type") or "")
            if (row.get("fact") or "").strip():
                facts[name] = (row.get("fact") or "").strip()
    return FormContext(languages, lists, types, frozenset(types), facts)


def gate_of(row: Mapping[str, str], context: FormContext) -> str | None:
    """The gate of a question: the select_one she answered "yes" to for it to appear.

    A gate fills no fact itself ("Do you know your ISEE?", "Are you pregnant?"); it exists to let
    her say "Non so" or "Preferisco non rispondere" before a number or a date, and for a count
    its "no" means zero. A question shown because of a fact (`${resident_in_italy} = 'yes'`) is
    not gated: that is ordinary skip logic.
    """
    match = _GATE.match(row.get("relevant") or "")
    if not match:
        return None
    gate = match.group(1)
    kind, _ = context.types.get(gate, ("", None))
    return gate if kind == "select_one" and gate not in context.facts else None
