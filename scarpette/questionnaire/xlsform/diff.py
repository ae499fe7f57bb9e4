"""What changed between two versions of the form, in words (for the administrators' page).

Questions are matched by name: a question whose name exists only in the newer version was
added, one only in the older was removed; for those in both, every difference a woman or the
operator would notice is listed: its page, its type, its text and hint and error message in each
language, its choices (added, removed, relabelled per language), whether it is required and when
it appears (named by the questions its condition depends on, never by the expression). Pages
(sections) and languages are compared the same way. Pure: no database, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field

from scarpette.questionnaire import expressions

from .definition import FormDefinition, Question, Section

TYPE_WORDS = {
    "integer": "numero intero",
    "decimal": "numero",
    "date": "data",
    "text": "testo libero",
    "note": "nota informativa",
    "select_one": "scelta singola",
    "select_multiple": "scelta multipla",
    "calculate": "calcolo (non mostrato)",
}


@dataclass(frozen=True)
class ItemChange:
    """One question or page that exists in both versions, with what changed in it."""

    label: str  # its Italian label in the newer version
    page: str  # the Italian title of its page in the newer version
    changes: list[str]


@dataclass(frozen=True)
class FormDiff:
    older: str
    newer: str
    languages_added: list[str] = field(default_factory=list)
    languages_removed: list[str] = field(default_factory=list)
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    pages_changed: list[ItemChange] = field(default_factory=list)
    questions_added: list[tuple[str, str]] = field(default_factory=list)  # (label, page)
    questions_removed: list[tuple[str, str]] = field(default_factory=list)
    questions_changed: list[ItemChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.languages_added
            or self.languages_removed
            or self.pages_added
            or self.pages_removed
            or self.pages_changed
            or self.questions_added
            or self.questions_removed
            or self.questions_changed
        )


def _language_names(definition: FormDefinition) -> dict[str, str]:
    return {language.code: language.native_name for language in definition.languages}


def _text_changes(what: str, old: dict[str, str], new: dict[str, str], names) -> list[str]:
    changes = []
    for code in sorted(set(old) | set(new), key=lambda c: (c != "it", c)):
        before, after = (old.get(code) or "").strip(), (new.get(code) or "").strip()
        if before == after:
            continue
        language = names.get(code, code)
        if not before:
            changes.append(f"{what} in {language} aggiunto: «{after}»")
        elif not after:
            changes.append(f"{what} in {language} tolto (era «{before}»)")
        else:
            changes.append(f"{what} in {language}: prima «{before}», ora «{after}»")
    return changes


def condition_words(expression: str, definition: FormDefinition) -> str:
    """When a question appears, named by the questions it depends on."""
    if not expression.strip():
        return "sempre"
    try:
        references = sorted(expressions.compile_expression(expression).references)
    except expressions.ExpressionError:
        references = []
    labels = []
    for name in references:
        try:
            labels.append(f"«{definition.question(name).label('it')}»")
        except KeyError:
            labels.append(f"«{name}»")
    if not labels:
        return "a una condizione"
    return "in base alla risposta a " + ", ".join(labels)


def _question_changes(
    old: Question, new: Question, older: FormDefinition, newer: FormDefinition, names
) -> list[str]:
    changes = []
    old_page = older.section_of(old.name).label("it")
    new_page = newer.section_of(new.name).label("it")
    if old_page != new_page:
        changes.append(f"spostata dalla pagina «{old_page}» alla pagina «{new_page}»")
    if old.type != new.type:
        changes.append(
            f"tipo di risposta: prima {TYPE_WORDS.get(old.type, old.type)}, "
            f"ora {TYPE_WORDS.get(new.type, new.type)}"
        )
    changes += _text_changes("testo", old.labels, new.labels, names)
    changes += _text_changes("suggerimento", old.hints, new.hints, names)
    changes += _text_changes(
        "messaggio di errore", old.constraint_messages, new.constraint_messages, names
    )
    if old.required != new.required:
        changes.append("ora obbligatoria" if new.required else "ora facoltativa")
    if old.relevant.strip() != new.relevant.strip():
        changes.append(
            f"quando appare: prima {condition_words(old.relevant, older)}, "
            f"ora {condition_words(new.relevant, newer)}"
        )
    if old.constraint.strip() != new.constraint.strip():
        changes.append("cambiato il controllo sulla risposta")
    changes += _choice_changes(old, new, older, newer, names)
    return changes


def _choice_changes(
    old: Question, new: Question, older: FormDefinition, newer: FormDefinition, names
) -> list[str]:
    before = {choice.name: choice for choice in older.choices_for(old)}
    after = {choice.name: choice for choice in newer.choices_for(new)}
    changes = []
    added = [after[name].label("it") for name in after if name not in before]
    removed = [before[name].label("it") for name in before if name not in after]
    if added:
        changes.append("scelte aggiunte: " + ", ".join(f"«{label}»" for label in added))
    if removed:
        changes.append("scelte tolte: " + ", ".join(f"«{label}»" for label in removed))
    for name, choice in after.items():
        if name in before:
            label = choice.label("it")
            changes += _text_changes(
                f"scelta «{label}», testo", before[name].labels, choice.labels, names
            )
    return changes


def _sections(definition: FormDefinition) -> dict[str, Section]:
    result = {}
    for section in definition.sections:
        result[section.name] = section
        if section.repeat is not None:
            result[section.repeat.name] = section.repeat
    return result


def diff(older: FormDefinition, newer: FormDefinition) -> FormDiff:
    """Every difference between `older` and `newer`, in Italian words."""
    names = {**_language_names(older), **_language_names(newer)}
    old_languages, new_languages = _language_names(older), _language_names(newer)
    result = FormDiff(
        older=older.version,
        newer=newer.version,
        languages_added=[new_languages[c] for c in new_languages if c not in old_languages],
        languages_removed=[old_languages[c] for c in old_languages if c not in new_languages],
    )
    old_sections, new_sections = _sections(older), _sections(newer)
    result.pages_added.extend(
        s.label("it") for name, s in new_sections.items() if name not in old_sections
    )
    result.pages_removed.extend(
        s.label("it") for name, s in old_sections.items() if name not in new_sections
    )
    for name, section in new_sections.items():
        if name not in old_sections:
            continue
        old_section = old_sections[name]
        changes = _text_changes("titolo", old_section.labels, section.labels, names)
        if old_section.relevant.strip() != section.relevant.strip():
            changes.append(
                f"quando appare: prima {condition_words(old_section.relevant, older)}, "
                f"ora {condition_words(section.relevant, newer)}"
            )
        if changes:
            result.pages_changed.append(ItemChange(section.label("it"), "", changes))
    old_questions = {q.name: q for q in older.questions}
    for question in newer.questions:
        page = newer.section_of(question.name).label("it")
        previous = old_questions.get(question.name)
        if previous is None:
            result.questions_added.append((question.label("it"), page))
            continue
        changes = _question_changes(previous, question, older, newer, names)
        if changes:
            result.questions_changed.append(ItemChange(question.label("it"), page, changes))
    new_names = {q.name for q in newer.questions}
    result.questions_removed.extend(
        (q.label("it"), older.section_of(q.name).label("it"))
        for q in older.questions
        if q.name not in new_names
    )
    return result
