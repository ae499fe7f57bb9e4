"""The needs questionnaire as an XLSForm: loading, workbook round-trip, validation and parsing.

The questionnaire is data, not code (product.md C1): the repository keeps it as one CSV per XLSForm
sheet in `definition/` so that a change of wording is a one-line diff, and people who do not
program can still edit it as a spreadsheet (`to_workbook_bytes` / `rows_from_workbook`). pyxform,
the reference XLSForm converter used by KoboToolbox and ODK, is the authority on XLSForm syntax; on
top of it `validate` checks what pyxform cannot know: that every question fills a real screening
fact (shared/design/facts.md) with compatible answers, that every language has every text, that
"Non so" and "Preferisco non rispondere" are offered wherever a woman may not know or may not want
to answer, and that expressions stay in the small subset our own evaluator implements.

Three custom survey columns tie the form to the rest of the system:

- `fact`: the screening fact the answer fills (`children.age` for a field of a child in the
  `children` repeat; `children` on the repeat itself);
- `need`: a need code the answer records (`*` on a select_multiple whose choices are need codes);
- `contact`: `channels` or `times`, her safe contact preferences (not screening facts).

Nothing here touches the database: the module is used by tests, by the import of an edited
workbook, and (through `load_definition`) by the pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scarpette.questionnaire import expressions
from scarpette.screening.facts import CHILD_FIELDS, FACTS, MEASURE_IDS

DEFINITION_DIR = Path(__file__).resolve().parent / "definition"

# The sheets, in workbook order. `languages` is ours (pyxform ignores unknown sheets).
SHEETS: tuple[str, ...] = ("survey", "choices", "settings", "languages")
LANGUAGE_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "native_name",
    "direction",
    "reviewed",
    "title",
)

# Answers that reach the screening as "unknown" (never as false or zero).
DONT_KNOW = "dont_know"
PREFER_NOT = "prefer_not"
UNKNOWN_ANSWERS: tuple[str, ...] = (DONT_KNOW, PREFER_NOT)
NO_BENEFITS = "none"

NEED_CODES: tuple[str, ...] = (
    "money",
    "work",
    "training",
    "housing",
    "childcare",
    "legal",
    "health",
    "documents",
)
# `need` value meaning "the chosen options are themselves need codes".
NEEDS_FROM_CHOICES = "*"
CONTACT_KINDS: dict[str, str] = {"channels": "select_multiple", "times": "text"}

# Columns whose text is shown to people, hence must exist in every language.
TRANSLATABLE: tuple[str, ...] = ("label", "hint", "constraint_message", "required_message")
EXPRESSION_COLUMNS: tuple[str, ...] = ("relevant", "constraint", "calculation", "repeat_count")

QUESTION_TYPES = frozenset(
    {"integer", "decimal", "date", "text", "note", "select_one", "select_multiple", "calculate"}
)
VALUE_TYPES = frozenset({"integer", "decimal", "date"})
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat"})
# Question types that carry no label (pyxform does not ask for one either).
UNLABELLED_TYPES = frozenset({"calculate", "end_group", "end_repeat"})

_TRUE = frozenset({"yes", "true", "true()"})
_FALSE = frozenset({"", "no", "false", "false()"})
_LANG_CODE = re.compile(r"\(([^()]+)\)\s*$")
_GATE = re.compile(r"^\s*\$\{([A-Za-z_][\w.-]*)\}\s*=\s*'yes'\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class FormError(ValueError):
    """An uploaded or stored form that cannot even be read; the message is for the operator."""


# --------------------------------------------------------------------------------------------
# Rows: the sheets as lists of dicts (column order kept), as in the CSV files.
# --------------------------------------------------------------------------------------------


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
        return _columns(self.sheet(sheet))

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
            columns += [c for c in _columns(rows) if c not in columns]
            sheets[name] = [{c: row.get(c, "") for c in columns} for row in rows]
        return cls(**sheets)

    def line(self, sheet: str, index: int) -> int:
        """The spreadsheet row number of `sheet[index]` (the header is row 1)."""
        numbers = self.line_numbers.get(sheet)
        if numbers is not None and 0 <= index < len(numbers):
            return numbers[index]
        return index + 2


def _columns(rows: Iterable[Mapping[str, str]]) -> list[str]:
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
            writer = csv.DictWriter(handle, fieldnames=_columns(data), lineterminator="\n")
            writer.writeheader()
            writer.writerows(data)


def to_workbook_bytes(rows: FormRows) -> bytes:
    """The form as an .xlsx workbook (one sheet per XLSForm sheet), every cell stored as text."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        data = rows.sheet(name)
        sheet = workbook.create_sheet(name)
        header = _columns(data)
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


# --------------------------------------------------------------------------------------------
# Helpers shared by validation and parsing.
# --------------------------------------------------------------------------------------------


def _split_type(raw: str) -> tuple[str, str | None]:
    """`"select_one yes_no_unsure"` -> ("select_one", "yes_no_unsure"); `"begin group"` ok too."""
    parts = raw.split()
    if not parts:
        return "", None
    if len(parts) == 2 and parts[0] in ("begin", "end") and parts[1] in ("group", "repeat"):
        return f"{parts[0]}_{parts[1]}", None
    if parts[0] in ("select_one", "select_multiple"):
        return parts[0], (parts[1] if len(parts) > 1 else None)
    return " ".join(parts), None


def _language_code(column: str) -> tuple[str, str | None]:
    """`"label::Español (es)"` -> ("label", "es"); a column without a language gives None."""
    base, sep, language = column.partition("::")
    if not sep:
        return column, None
    match = _LANG_CODE.search(language)
    return base, (match.group(1) if match else language)


def _is_true(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _row_ref(rows: FormRows, sheet: str, index: int, row: Mapping[str, str]) -> str:
    """How errors point at a row: spreadsheet numbering (header is row 1), plus its name."""
    name = (row.get("name") or "").strip()
    where = f"foglio {sheet}, riga {rows.line(sheet, index)}"
    return f"{where} ({name})" if name else where


@dataclass(frozen=True)
class _Context:
    """What every check needs to know about the rows, computed once."""

    languages: dict[str, str]  # code -> column suffix "Native (code)"
    lists: dict[str, list[str]]  # choice list -> choice names in order
    types: dict[str, tuple[str, str | None]]  # survey name -> (type, list)
    names: frozenset[str]
    facts: dict[str, str]  # survey name -> its fact, where it has one


def _context(rows: FormRows) -> _Context:
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
            types[name] = _split_type(row.get("type") or "")
            if (row.get("fact") or "").strip():
                facts[name] = (row.get("fact") or "").strip()
    return _Context(languages, lists, types, frozenset(types), facts)


# --------------------------------------------------------------------------------------------
# Expressions: the subset our evaluator implements (see expressions.py).
# --------------------------------------------------------------------------------------------


def check_expression(expression: str, names: Iterable[str]) -> str | None:
    """None if `expression` parses with the evaluator the pages use and only names known
    questions; otherwise the problem, in Italian. One parser for checking and running."""
    try:
        compiled = expressions.compile_expression(expression)
    except expressions.ExpressionError as exc:
        return exc.detail if getattr(exc, "detail", "") else str(exc)
    unknown = sorted(compiled.references - frozenset(names))
    if unknown:
        return f"${{{unknown[0]}}} non è una domanda del questionario"
    return None


# --------------------------------------------------------------------------------------------
# Validation.
# --------------------------------------------------------------------------------------------


def validate(rows: FormRows) -> list[str]:
    """Every problem of the form, in Italian, each naming its sheet and row; [] means valid."""
    errors = _check_sheets(rows)
    if errors:
        return errors
    context = _context(rows)
    errors += _check_languages(rows, context)
    errors += _check_structure(rows, context)
    errors += _check_choices(rows)
    errors += _check_translations(rows, context)
    errors += _check_facts(rows, context)
    errors += _check_needs_and_contact(rows, context)
    errors += _check_answers_and_gates(rows, context)
    errors += _check_expressions(rows, context)
    errors += _run_pyxform(rows)
    return errors


def _check_sheets(rows: FormRows) -> list[str]:
    errors = []
    if not rows.survey:
        errors.append("Il foglio survey è vuoto.")
    if len(rows.settings) != 1:
        errors.append("Il foglio settings deve avere esattamente una riga di valori.")
    if not rows.languages:
        errors.append("Il foglio languages è vuoto: serve almeno la lingua italiana.")
    for column in ("type", "name"):
        if rows.survey and column not in _columns(rows.survey):
            errors.append(f"Nel foglio survey manca la colonna «{column}».")
    for column in ("list_name", "name"):
        if rows.choices and column not in _columns(rows.choices):
            errors.append(f"Nel foglio choices manca la colonna «{column}».")
    for column in LANGUAGE_COLUMNS:
        if rows.languages and column not in _columns(rows.languages):
            errors.append(f"Nel foglio languages manca la colonna «{column}».")
    return errors


def _check_languages(rows: FormRows, context: _Context) -> list[str]:
    errors = []
    seen: set[str] = set()
    for index, row in enumerate(rows.languages):
        where = f"foglio languages, riga {rows.line('languages', index)}"
        code = (row.get("code") or "").strip()
        if not code:
            errors.append(f"{where}: manca il codice della lingua.")
        elif code in seen:
            errors.append(f"{where}: la lingua «{code}» compare due volte.")
        seen.add(code)
        for column in ("name", "native_name", "title"):
            if not (row.get(column) or "").strip():
                errors.append(f"{where} ({code}): manca «{column}».")
        if (row.get("direction") or "").strip() not in ("ltr", "rtl"):
            errors.append(f"{where} ({code}): «direction» deve essere ltr o rtl.")
        if (row.get("reviewed") or "").strip() not in ("yes", "no"):
            errors.append(f"{where} ({code}): «reviewed» deve essere yes o no.")
    settings = rows.settings[0]
    default = (settings.get("default_language") or "").strip()
    if default not in context.languages.values():
        errors.append(
            f"foglio settings: default_language «{default}» non corrisponde a nessuna lingua del "
            "foglio languages (si scrive «Nome (codice)», per esempio «Italiano (it)»)."
        )
    for column in ("form_id", "version", "form_title"):
        if not (settings.get(column) or "").strip():
            errors.append(f"foglio settings: manca «{column}».")
    for sheet in ("survey", "choices"):
        for column in _columns(rows.sheet(sheet)):
            base, code = _language_code(column)
            if base not in TRANSLATABLE:
                continue
            if code is None:
                errors.append(
                    f"foglio {sheet}: la colonna «{column}» non indica la lingua "
                    "(si scrive per esempio «label::Italiano (it)»)."
                )
            elif code not in context.languages:
                errors.append(
                    f"foglio {sheet}: la colonna «{column}» è di una lingua ({code}) che non è "
                    "nel foglio languages."
                )
            elif column != f"{base}::{context.languages[code]}":
                errors.append(
                    f"foglio {sheet}: la colonna «{column}» dovrebbe chiamarsi "
                    f"«{base}::{context.languages[code]}»."
                )
    return errors


def _check_structure(rows: FormRows, context: _Context) -> list[str]:
    """Sections are top-level groups; repeats only inside a section; names unique and valid."""
    errors = []
    stack: list[str] = []
    names: dict[str, int] = {}
    for index, row in enumerate(rows.survey):
        ref = _row_ref(rows, "survey", index, row)
        kind, list_name = _split_type(row.get("type") or "")
        name = (row.get("name") or "").strip()
        if kind not in QUESTION_TYPES and kind not in STRUCTURE_TYPES:
            errors.append(f"{ref}: tipo «{row.get('type', '')}» non supportato dal questionario.")
            continue
        if kind in ("select_one", "select_multiple"):
            if not list_name:
                errors.append(f"{ref}: {kind} senza nome della lista di scelte.")
            elif list_name not in context.lists:
                errors.append(
                    f"{ref}: la lista di scelte «{list_name}» non esiste nel foglio choices."
                )
        if kind in ("end_group", "end_repeat"):
            expected = kind.replace("end_", "begin_")
            if not stack or stack[-1] != expected:
                errors.append(f"{ref}: {kind} senza il {expected} corrispondente.")
            else:
                stack.pop()
            continue
        if not name:
            errors.append(f"{ref}: manca il nome («name»).")
            continue
        if not _NAME.match(name):
            errors.append(f"{ref}: il nome «{name}» contiene caratteri non ammessi.")
        if name in names:
            errors.append(f"{ref}: il nome «{name}» è già usato alla riga {names[name]}.")
        names.setdefault(name, rows.line("survey", index))
        if kind == "begin_group":
            if stack:
                errors.append(f"{ref}: i gruppi dentro le sezioni non sono supportati.")
            stack.append(kind)
        elif kind == "begin_repeat":
            if stack != ["begin_group"]:
                errors.append(f"{ref}: una ripetizione deve stare direttamente in una sezione.")
            stack.append(kind)
        elif not stack:
            errors.append(f"{ref}: la domanda è fuori da ogni sezione (begin_group).")
        required = (row.get("required") or "").strip().lower()
        if required not in _TRUE and required not in _FALSE:
            errors.append(f"{ref}: «required» deve essere yes o vuoto.")
    if stack:
        errors.append(f"foglio survey: {len(stack)} gruppi o ripetizioni non chiusi.")
    return errors


def _check_choices(rows: FormRows) -> list[str]:
    errors = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows.choices):
        list_name = (row.get("list_name") or "").strip()
        name = (row.get("name") or "").strip()
        ref = f"foglio choices, riga {rows.line('choices', index)} ({list_name}/{name})"
        if not list_name or not name:
            errors.append(f"{ref}: servono sia «list_name» sia «name».")
            continue
        if (list_name, name) in seen:
            errors.append(f"{ref}: la scelta è già alla riga {seen[(list_name, name)]}.")
        seen.setdefault((list_name, name), rows.line("choices", index))
    return errors


def _check_translations(rows: FormRows, context: _Context) -> list[str]:
    """A text present in one language must be present in all; labels are always needed."""
    errors = []
    languages = list(context.languages)
    for sheet in ("survey", "choices"):
        data = rows.sheet(sheet)
        for index, row in enumerate(data):
            if sheet == "choices":
                ref = (
                    f"foglio choices, riga {rows.line('choices', index)} "
                    f"({(row.get('list_name') or '').strip()}/{(row.get('name') or '').strip()})"
                )
                needs_label = True
            else:
                ref = _row_ref(rows, "survey", index, row)
                needs_label = _split_type(row.get("type") or "")[0] not in UNLABELLED_TYPES
            for base in TRANSLATABLE:
                texts = {
                    code: (row.get(f"{base}::{suffix}") or "").strip()
                    for code, suffix in context.languages.items()
                }
                used = any(texts.values()) or (base == "label" and needs_label)
                if not used:
                    continue
                for code in languages:
                    if not texts[code]:
                        errors.append(
                            f"{ref}: manca la traduzione «{base}» in {context.languages[code]}."
                        )
    return errors


def _boolean_list(names: list[str]) -> bool:
    return {"yes", "no"} <= set(names) <= {"yes", "no", *UNKNOWN_ANSWERS}


def _check_facts(rows: FormRows, context: _Context) -> list[str]:
    """Each `fact` is a real fact, filled once, by a question whose answers it can take."""
    errors = []
    seen: dict[str, int] = {}
    repeat_fact: str | None = None
    in_repeat = False
    for index, row in enumerate(rows.survey):
        ref = _row_ref(rows, "survey", index, row)
        kind, list_name = _split_type(row.get("type") or "")
        fact = (row.get("fact") or "").strip()
        if kind == "begin_repeat":
            in_repeat, repeat_fact = True, fact or None
        elif kind == "end_repeat":
            in_repeat, repeat_fact = False, None
        if not fact:
            continue
        if fact in seen:
            errors.append(f"{ref}: il fatto «{fact}» è già compilato dalla riga {seen[fact]}.")
        seen.setdefault(fact, rows.line("survey", index))
        choices = context.lists.get(list_name or "", [])
        if "." in fact:
            parent, _, child_field = fact.partition(".")
            spec = CHILD_FIELDS.get(child_field) if parent == "children" else None
            if spec is None:
                errors.append(f"{ref}: «{fact}» non è un campo dei figli (facts.md).")
                continue
            if not in_repeat or repeat_fact != "children":
                errors.append(f"{ref}: «{fact}» va dentro la ripetizione con fact «children».")
                continue
        else:
            spec = FACTS.get(fact)
            if spec is None:
                errors.append(f"{ref}: «{fact}» non è un fatto dello screening (facts.md).")
                continue
            if fact == "as_of":
                errors.append(f"{ref}: «as_of» lo imposta il sistema, non il questionario.")
                continue
            if spec.kind == "children":
                if kind != "begin_repeat":
                    errors.append(f"{ref}: il fatto «children» va sulla riga begin_repeat.")
                continue
            if in_repeat:
                errors.append(
                    f"{ref}: il fatto «{fact}» non riguarda un figlio: fuori dalla ripetizione."
                )
                continue
        problem = _fact_type_problem(spec.kind, spec.choices, kind, choices)
        if problem:
            errors.append(f"{ref}: il fatto «{fact}» {problem}")
    return errors


def _fact_type_problem(
    fact_kind: str, allowed: tuple[str, ...], kind: str, choices: list[str]
) -> str | None:
    if fact_kind == "boolean":
        if kind != "select_one" or not _boolean_list(choices):
            return "è sì/no: serve un select_one con yes, no (e dont_know, prefer_not)."
    elif fact_kind == "enum":
        if kind != "select_one":
            return "è una scelta fra valori: serve un select_one."
        extra = [name for name in choices if name not in allowed and name not in UNKNOWN_ANSWERS]
        if extra:
            return f"non ammette le scelte {', '.join(extra)} (ammesse: {', '.join(allowed)})."
    elif fact_kind == "integer":
        if kind != "integer":
            return "è un numero intero: serve una domanda integer."
    elif fact_kind == "number":
        if kind not in ("integer", "decimal"):
            return "è un numero: serve una domanda integer o decimal."
    elif fact_kind == "date":
        if kind != "date":
            return "è una data: serve una domanda date."
    elif fact_kind == "measures":
        if kind != "select_multiple":
            return "è un elenco di misure: serve un select_multiple."
        ok = {*MEASURE_IDS, NO_BENEFITS, *UNKNOWN_ANSWERS}
        extra = [name for name in choices if name not in ok]
        if extra:
            return f"non ammette le scelte {', '.join(extra)} (solo id di misure e none)."
    return None


def _check_needs_and_contact(rows: FormRows, context: _Context) -> list[str]:
    errors = []
    for index, row in enumerate(rows.survey):
        ref = _row_ref(rows, "survey", index, row)
        kind, list_name = _split_type(row.get("type") or "")
        need = (row.get("need") or "").strip()
        contact = (row.get("contact") or "").strip()
        if need == NEEDS_FROM_CHOICES:
            extra = [c for c in context.lists.get(list_name or "", []) if c not in NEED_CODES]
            if kind != "select_multiple":
                errors.append(f"{ref}: need «*» vuole un select_multiple di bisogni.")
            elif extra:
                errors.append(f"{ref}: scelte che non sono bisogni noti: {', '.join(extra)}.")
        elif need:
            if need not in NEED_CODES:
                errors.append(
                    f"{ref}: bisogno «{need}» sconosciuto (ammessi: {', '.join(NEED_CODES)})."
                )
            elif kind != "select_one" or not _boolean_list(context.lists.get(list_name or "", [])):
                errors.append(f"{ref}: un bisogno singolo si registra con un select_one sì/no.")
        if contact:
            expected = CONTACT_KINDS.get(contact)
            if expected is None:
                errors.append(
                    f"{ref}: contact «{contact}» sconosciuto (ammessi: {', '.join(CONTACT_KINDS)})."
                )
            elif kind != expected:
                errors.append(f"{ref}: contact «{contact}» vuole una domanda {expected}.")
        if (row.get("fact") or "").strip() and (need or contact):
            errors.append(
                f"{ref}: una domanda compila un fatto oppure registra un bisogno o un contatto, non entrambi."
            )
    return errors


def _check_answers_and_gates(rows: FormRows, context: _Context) -> list[str]:
    """She may always decline: "Non so"/"Preferisco non rispondere" on every select_one, and
    `required` only behind a gate she answered "yes" to (she chose to give the value)."""
    errors = []
    for index, row in enumerate(rows.survey):
        ref = _row_ref(rows, "survey", index, row)
        kind, list_name = _split_type(row.get("type") or "")
        if kind == "select_one" and list_name in context.lists:
            missing = [a for a in UNKNOWN_ANSWERS if a not in context.lists[list_name]]
            if missing:
                errors.append(
                    f"{ref}: la lista «{list_name}» non offre {' e '.join(missing)} "
                    "(«Non so», «Preferisco non rispondere»)."
                )
        if _is_true(row.get("required") or "") and _gate_of(row, context) is None:
            errors.append(
                f"{ref}: «required» solo dopo una domanda-filtro «${{x}} = 'yes'»; "
                "altrimenti lei non potrebbe non rispondere."
            )
    return errors


def _gate_of(row: Mapping[str, str], context: _Context) -> str | None:
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


def _check_expressions(rows: FormRows, context: _Context) -> list[str]:
    errors = []
    for index, row in enumerate(rows.survey):
        ref = _row_ref(rows, "survey", index, row)
        for column in EXPRESSION_COLUMNS:
            expression = (row.get(column) or "").strip()
            if not expression:
                continue
            problem = check_expression(expression, context.names)
            if problem:
                errors.append(f"{ref}: espressione «{column}» non valida: {problem}.")
    return errors


def _run_pyxform(rows: FormRows) -> list[str]:
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


# --------------------------------------------------------------------------------------------
# The parsed definition, for the pages and the mapping.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English, for staff pages
    native_name: str
    direction: str  # "ltr" | "rtl"
    reviewed: bool  # a native speaker has reviewed it; False = draft (shown to the operator)
    title: str = ""  # the form title in this language

    @property
    def column_suffix(self) -> str:
        """The XLSForm language name, as in `label::Italiano (it)`."""
        return f"{self.native_name} ({self.code})"

    @property
    def is_draft(self) -> bool:
        return not self.reviewed


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]

    def label(self, language: str, fallback: str = "it") -> str:
        return self.labels.get(language) or self.labels.get(fallback, self.name)


@dataclass(frozen=True)
class Question:
    name: str
    type: str  # integer | decimal | date | text | note | select_one | select_multiple | calculate
    list_name: str | None
    labels: dict[str, str]
    hints: dict[str, str]
    required: bool
    relevant: str
    constraint: str
    constraint_messages: dict[str, str]
    calculation: str
    fact: str | None  # e.g. "isee", or "children.age" inside the children repeat
    need: str | None  # a need code, or "*" when the chosen options are need codes
    contact: str | None  # "channels" | "times"
    section: str  # name of the top-level group (page)
    in_repeat: bool
    appearance: str
    repeat: str | None = None  # name of the repeat it belongs to
    gate: str | None = None  # the select_one whose "yes" makes it relevant, if that is its rule

    def label(self, language: str, fallback: str = "it") -> str:
        return self.labels.get(language) or self.labels.get(fallback, self.name)

    def hint(self, language: str, fallback: str = "it") -> str:
        return self.hints.get(language) or self.hints.get(fallback, "")

    def constraint_message(self, language: str, fallback: str = "it") -> str:
        return self.constraint_messages.get(language) or self.constraint_messages.get(fallback, "")


@dataclass(frozen=True)
class Section:
    """A top-level group (one page), or the repeat inside one (`is_repeat`)."""

    name: str
    labels: dict[str, str]
    questions: list[Question]  # its own questions, in order (not those of its repeat)
    items: list[Question | Section]  # questions and the repeat, in form order
    repeat: Section | None = None
    is_repeat: bool = False
    relevant: str = ""
    fact: str | None = None  # "children" on the children repeat
    appearance: str = ""
    gate: str | None = None  # the select_one whose "yes" makes it relevant (has_children)

    def label(self, language: str, fallback: str = "it") -> str:
        return self.labels.get(language) or self.labels.get(fallback, self.name)

    def all_questions(self) -> list[Question]:
        """Its questions and those of its repeat, in form order."""
        result: list[Question] = []
        for item in self.items:
            result.extend(item.all_questions() if isinstance(item, Section) else [item])
        return result


@dataclass(frozen=True)
class FormDefinition:
    form_id: str
    version: str
    title: dict[str, str]
    default_language: str
    languages: list[Language]
    sections: list[Section]
    choices: dict[str, list[Choice]]
    fact_questions: dict[str, str]  # fact -> question to ask (the gate, if the value is gated)
    _questions: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    @property
    def questions(self) -> list[Question]:
        return list(self._questions.values())

    def question(self, name: str) -> Question:
        return self._questions[name]

    def section_of(self, name: str) -> Section:
        """The top-level section (page) holding a question or a repeat."""
        for section in self.sections:
            if section.name == name:
                return section
            if section.repeat is not None and section.repeat.name == name:
                return section
        return next(s for s in self.sections if s.name == self._questions[name].section)

    def language(self, code: str) -> Language:
        return next(language for language in self.languages if language.code == code)

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]

    def choice_names(self, list_name: str) -> list[str]:
        return [choice.name for choice in self.choices.get(list_name, [])]

    def choices_for(self, question: Question) -> list[Choice]:
        return self.choices.get(question.list_name or "", [])


def _translations(row: Mapping[str, str], base: str, languages: list[Language]) -> dict[str, str]:
    texts = {}
    for language in languages:
        text = (row.get(f"{base}::{language.column_suffix}") or "").strip()
        if text:
            texts[language.code] = text
    return texts


def parse(rows: FormRows) -> FormDefinition:
    """Build the definition the pages use. It assumes `validate(rows)` returned no errors."""
    languages = [
        Language(
            code=row["code"].strip(),
            name=row.get("name", "").strip(),
            native_name=row.get("native_name", "").strip(),
            direction=row.get("direction", "ltr").strip() or "ltr",
            reviewed=row.get("reviewed", "").strip() == "yes",
            title=row.get("title", "").strip(),
        )
        for row in rows.languages
    ]
    settings = rows.settings[0] if rows.settings else {}
    default_suffix = settings.get("default_language", "").strip()
    default_language = next(
        (lang.code for lang in languages if lang.column_suffix == default_suffix),
        languages[0].code if languages else "it",
    )
    title = {lang.code: lang.title for lang in languages if lang.title}
    title.setdefault(default_language, settings.get("form_title", "").strip())

    choices: dict[str, list[Choice]] = {}
    for row in rows.choices:
        choices.setdefault(row["list_name"].strip(), []).append(
            Choice(name=row["name"].strip(), labels=_translations(row, "label", languages))
        )

    context = _context(rows)
    sections: list[Section] = []
    questions: dict[str, Question] = {}
    section_row: Mapping[str, str] | None = None
    section_items: list[Question | Section] = []
    repeat_row: Mapping[str, str] | None = None
    repeat_items: list[Question | Section] = []

    def make_section(
        row: Mapping[str, str], items: list[Question | Section], is_repeat: bool
    ) -> Section:
        repeat = next((item for item in items if isinstance(item, Section)), None)
        return Section(
            name=row["name"].strip(),
            labels=_translations(row, "label", languages),
            questions=[item for item in items if isinstance(item, Question)],
            items=items,
            repeat=repeat,
            is_repeat=is_repeat,
            relevant=(row.get("relevant") or "").strip(),
            fact=(row.get("fact") or "").strip() or None,
            appearance=(row.get("appearance") or "").strip(),
            gate=_gate_of(row, context),
        )

    for index, row in enumerate(rows.survey):
        kind, list_name = _split_type(row.get("type") or "")
        if kind == "begin_group":
            section_row, section_items = row, []
        elif kind == "end_group":
            if section_row is None:
                raise FormError(
                    f"{_row_ref(rows, 'survey', index, row)}: end_group senza begin_group."
                )
            sections.append(make_section(section_row, section_items, is_repeat=False))
            section_row = None
        elif kind == "begin_repeat":
            repeat_row, repeat_items = row, []
        elif kind == "end_repeat":
            if repeat_row is None:
                raise FormError(
                    f"{_row_ref(rows, 'survey', index, row)}: end_repeat senza begin_repeat."
                )
            section_items.append(make_section(repeat_row, repeat_items, is_repeat=True))
            repeat_row = None
        else:
            if section_row is None:
                raise FormError(
                    f"{_row_ref(rows, 'survey', index, row)}: domanda fuori da una sezione."
                )
            question = Question(
                name=row["name"].strip(),
                type=kind,
                list_name=list_name,
                labels=_translations(row, "label", languages),
                hints=_translations(row, "hint", languages),
                required=_is_true(row.get("required") or ""),
                relevant=(row.get("relevant") or "").strip(),
                constraint=(row.get("constraint") or "").strip(),
                constraint_messages=_translations(row, "constraint_message", languages),
                calculation=(row.get("calculation") or "").strip(),
                fact=(row.get("fact") or "").strip() or None,
                need=(row.get("need") or "").strip() or None,
                contact=(row.get("contact") or "").strip() or None,
                section=section_row["name"].strip(),
                in_repeat=repeat_row is not None,
                appearance=(row.get("appearance") or "").strip(),
                repeat=repeat_row["name"].strip() if repeat_row is not None else None,
                gate=_gate_of(row, context),
            )
            questions[question.name] = question
            (repeat_items if repeat_row is not None else section_items).append(question)
    if section_row is not None or repeat_row is not None:
        raise FormError("foglio survey: un gruppo o una ripetizione non è chiuso.")

    fact_questions: dict[str, str] = {}
    for section in sections:
        for item in section.items:
            if isinstance(item, Section) and item.fact and item.questions:
                fact_questions.setdefault(item.fact, item.questions[0].name)
        for question in section.all_questions():
            if question.fact:
                # A missing number or date is asked through its gate ("Do you know it?").
                asked = question.gate if question.type in VALUE_TYPES and question.gate else None
                fact_questions.setdefault(question.fact, asked or question.name)

    return FormDefinition(
        form_id=settings.get("form_id", "").strip(),
        version=settings.get("version", "").strip(),
        title=title,
        default_language=default_language,
        languages=languages,
        sections=sections,
        choices=choices,
        fact_questions=fact_questions,
        _questions=questions,
    )


_PARSED: dict[str, FormDefinition] = {}


def parse_cached(version: str, rows: Mapping[str, Any] | FormRows) -> FormDefinition:
    """A stored form version (rows as saved by `FormRows.as_dict`), parsed once per process.

    Keyed by the version string: a stored version never changes (a new upload needs a new
    version number), so the cache cannot go stale.
    """
    definition = _PARSED.get(version)
    if definition is None:
        form_rows = rows if isinstance(rows, FormRows) else FormRows.from_dict(rows)
        definition = _PARSED[version] = parse(form_rows)
    return definition


@functools.cache
def load_definition() -> FormDefinition:
    """The repository's questionnaire, parsed once per process (the files change only on deploy)."""
    return parse(load_rows())
