"""The parsed definition the pages and the mapping use: languages, choices, questions,
sections and the form."""

from __future__ import annotations

from dataclasses import dataclass, field


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
