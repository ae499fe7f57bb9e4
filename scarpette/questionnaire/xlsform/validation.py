"""Validation of the rows: every problem, in Italian, each naming its sheet and row.

pyxform is the authority on XLSForm syntax (`pyxform_check`); these checks add what pyxform
cannot know: real screening facts with compatible answers, every text in every language,
"Non so" and "Preferisco non rispondere" wherever she may decline, and expressions in the
subset our evaluator implements."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scarpette.questionnaire import expressions
from scarpette.screening.facts import CHILD_FIELDS, FACTS, MEASURE_IDS

from .context import (
    FALSE_VALUES,
    TRUE_VALUES,
    FormContext,
    column_ref,
    form_context,
    gate_of,
    is_true,
    language_code,
    row_ref,
    split_type,
)
from .pyxform_check import run_pyxform
from .rows import FormRows, sheet_columns
from .vocabulary import (
    CONTACT_KINDS,
    EXPRESSION_COLUMNS,
    LANGUAGE_COLUMNS,
    NEED_CODES,
    NEEDS_FROM_CHOICES,
    NO_BENEFITS,
    QUESTION_TYPES,
    SENSITIVE_FRAGMENTS,
    STRUCTURE_TYPES,
    TRANSLATABLE,
    UNKNOWN_ANSWERS,
    UNLABELLED_TYPES,
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


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


def validate(rows: FormRows) -> list[str]:
    """Every problem of the form, in Italian, each naming its sheet and row; [] means valid."""
    errors = _check_sheets(rows)
    if errors:
        return errors
    context = form_context(rows)
    errors += _check_languages(rows, context)
    errors += _check_structure(rows, context)
    errors += _check_choices(rows)
    errors += _check_translations(rows, context)
    errors += _check_sensitive_words(rows, context)
    errors += _check_facts(rows, context)
    errors += _check_needs_and_contact(rows, context)
    errors += _check_answers_and_gates(rows, context)
    errors += _check_expressions(rows, context)
    errors += run_pyxform(rows)
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
        if rows.survey and column not in sheet_columns(rows.survey):
            errors.append(f"Nel foglio survey manca la colonna «{column}».")
    for column in ("list_name", "name"):
        if rows.choices and column not in sheet_columns(rows.choices):
            errors.append(f"Nel foglio choices manca la colonna «{column}».")
    for column in LANGUAGE_COLUMNS:
        if rows.languages and column not in sheet_columns(rows.languages):
            errors.append(f"Nel foglio languages manca la colonna «{column}».")
    return errors


def _check_languages(rows: FormRows, context: FormContext) -> list[str]:
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
        for column in sheet_columns(rows.sheet(sheet)):
            base, code = language_code(column)
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


def _check_structure(rows: FormRows, context: FormContext) -> list[str]:
    """Sections are top-level groups; repeats only inside a section; names unique and valid."""
    errors = []
    stack: list[str] = []
    names: dict[str, int] = {}
    for index, row in enumerate(rows.survey):
        ref = row_ref(rows, "survey", index, row)
        kind, list_name = split_type(row.get("type") or "")
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
        if required not in TRUE_VALUES and required not in FALSE_VALUES:
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


def _check_translations(rows: FormRows, context: FormContext) -> list[str]:
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
                ref = row_ref(rows, "survey", index, row)
                needs_label = split_type(row.get("type") or "")[0] not in UNLABELLED_TYPES
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
                        column = column_ref(rows, sheet, f"{base}::{context.languages[code]}")
                        errors.append(
                            f"{ref}, {column}: manca la traduzione «{base}» in "
                            f"{context.languages[code]}."
                        )
    return errors


def sensitive_fragment(text: str) -> str | None:
    """The first fragment of SENSITIVE_FRAGMENTS found in `text` (case-insensitive), if any."""
    folded = text.casefold()
    return next((fragment for fragment in SENSITIVE_FRAGMENTS if fragment in folded), None)


def _check_sensitive_words(rows: FormRows, context: FormContext) -> list[str]:
    """No text she may see names violence, in any language: the form is read on a tablet in a
    waiting room, or over her shoulder (security.md)."""
    errors = []
    visible = {
        "survey": [c for c in rows.columns("survey") if language_code(c)[0] in TRANSLATABLE],
        "choices": [c for c in rows.columns("choices") if language_code(c)[0] in TRANSLATABLE],
        "languages": ["title"],
        "settings": ["form_title"],
    }
    for sheet, columns in visible.items():
        for index, row in enumerate(rows.sheet(sheet)):
            for column in columns:
                fragment = sensitive_fragment(row.get(column) or "")
                if fragment is None:
                    continue
                ref = (
                    row_ref(rows, sheet, index, row)
                    if sheet in ("survey", "choices")
                    else f"foglio {sheet}, riga {rows.line(sheet, index)}"
                )
                errors.append(
                    f"{ref}, {column_ref(rows, sheet, column)}: il testo contiene «{fragment}», "
                    "una parola che lei o chi le sta accanto non deve leggere: riformularlo in "
                    "modo neutro."
                )
    return errors


def _boolean_list(names: list[str]) -> bool:
    return {"yes", "no"} <= set(names) <= {"yes", "no", *UNKNOWN_ANSWERS}


def _check_facts(rows: FormRows, context: FormContext) -> list[str]:
    """Each `fact` is a real fact, filled once, by a question whose answers it can take."""
    errors = []
    seen: dict[str, int] = {}
    repeat_fact: str | None = None
    in_repeat = False
    for index, row in enumerate(rows.survey):
        ref = row_ref(rows, "survey", index, row)
        kind, list_name = split_type(row.get("type") or "")
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


def _check_needs_and_contact(rows: FormRows, context: FormContext) -> list[str]:
    errors = []
    for index, row in enumerate(rows.survey):
        ref = row_ref(rows, "survey", index, row)
        kind, list_name = split_type(row.get("type") or "")
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


def _check_answers_and_gates(rows: FormRows, context: FormContext) -> list[str]:
    """She may always decline: "Non so"/"Preferisco non rispondere" on every select_one, and
    `required` only behind a gate she answered "yes" to (she chose to give the value)."""
    errors = []
    for index, row in enumerate(rows.survey):
        ref = row_ref(rows, "survey", index, row)
        kind, list_name = split_type(row.get("type") or "")
        if kind == "select_one" and list_name in context.lists:
            missing = [a for a in UNKNOWN_ANSWERS if a not in context.lists[list_name]]
            if missing:
                errors.append(
                    f"{ref}: la lista «{list_name}» non offre {' e '.join(missing)} "
                    "(«Non so», «Preferisco non rispondere»)."
                )
        if is_true(row.get("required") or "") and gate_of(row, context) is None:
            errors.append(
                f"{ref}: «required» solo dopo una domanda-filtro «${{x}} = 'yes'»; "
                "altrimenti lei non potrebbe non rispondere."
            )
    return errors


def _check_expressions(rows: FormRows, context: FormContext) -> list[str]:
    errors = []
    for index, row in enumerate(rows.survey):
        ref = row_ref(rows, "survey", index, row)
        for column in EXPRESSION_COLUMNS:
            expression = (row.get(column) or "").strip()
            if not expression:
                continue
            problem = check_expression(expression, context.names)
            if problem:
                errors.append(f"{ref}: espressione «{column}» non valida: {problem}.")
    return errors
