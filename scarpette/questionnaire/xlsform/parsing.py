"""From rows to the `FormDefinition` (assuming they validate), with the per-process caches."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .context import form_context, gate_of, is_true, row_ref, split_type
from .definition import Choice, FormDefinition, Language, Question, Section
from .rows import FormRows, load_rows
from .vocabulary import VALUE_TYPES, FormError


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

    context = form_context(rows)
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
            gate=gate_of(row, context),
        )

    for index, row in enumerate(rows.survey):
        kind, list_name = split_type(row.get("type") or "")
        if kind == "begin_group":
            section_row, section_items = row, []
        elif kind == "end_group":
            if section_row is None:
                raise FormError(
                    f"{row_ref(rows, 'survey', index, row)}: end_group senza begin_group."
                )
            sections.append(make_section(section_row, section_items, is_repeat=False))
            section_row = None
        elif kind == "begin_repeat":
            repeat_row, repeat_items = row, []
        elif kind == "end_repeat":
            if repeat_row is None:
                raise FormError(
                    f"{row_ref(rows, 'survey', index, row)}: end_repeat senza begin_repeat."
                )
            section_items.append(make_section(repeat_row, repeat_items, is_repeat=True))
            repeat_row = None
        else:
            if section_row is None:
                raise FormError(
                    f"{row_ref(rows, 'survey', index, row)}: domanda fuori da una sezione."
                )
            question = Question(
                name=row["name"].strip(),
                type=kind,
                list_name=list_name,
                labels=_translations(row, "label", languages),
                hints=_translations(row, "hint", languages),
                required=is_true(row.get("required") or ""),
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
                gate=gate_of(row, context),
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
