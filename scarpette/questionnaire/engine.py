"""Runs a questionnaire definition page by page: what to show, and what a posted page means.

One page per top-level section (group). Skip logic, required and constraints are evaluated on the
server with `expressions`, against the saved answers plus what this page posts, so the server
accepts exactly what the page shows. A page whose answers make new questions appear is shown
again (progressive disclosure without JavaScript). Answers to questions that are no longer
relevant are dropped, as ODK does.

Answers: {question_name: value}; the repeat (children) is {"children": [{name: value}, ...]}.
Numbers are stored as int/float, dates as ISO strings, select_multiple as lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from scarpette.questionnaire import expressions
from scarpette.questionnaire.tablet_texts import tablet_texts

MAX_TEXT = 500
MAX_REPEAT = 15
UNANSWERABLE = {"note", "calculate"}


@dataclass
class Choice:
    value: str
    label_it: str
    label_lang: str
    checked: bool = False


@dataclass
class Field:
    key: str
    name: str
    kind: str
    label_it: str
    label_lang: str
    hint_it: str = ""
    hint_lang: str = ""
    required: bool = False
    choices: list[Choice] = field(default_factory=list)
    value: Any = ""
    error: str = ""
    error_lang: str = ""  # the same error in the woman's language (the operator's page shows both)


@dataclass
class RepeatBlock:
    name: str
    label_it: str
    label_lang: str
    items: list[list[Field]]
    error: str = ""


@dataclass
class Page:
    index: int
    name: str
    title_it: str
    title_lang: str
    blocks: list[Field | RepeatBlock]

    @property
    def shown_keys(self) -> list[str]:
        keys = []
        for block in self.blocks:
            if isinstance(block, RepeatBlock):
                # The repeat itself counts as shown: opened with no entry yet, it is new too.
                keys.append(block.name)
                keys.extend(f.key for item in block.items for f in item)
            else:
                keys.append(block.key)
        return keys


@dataclass
class SubmitResult:
    answers: dict
    errors: dict[str, str]
    stay: bool
    raw: dict[str, str] = field(default_factory=dict)  # what was typed, by field key


_NUMBER_RE = re.compile(r"^[+-]?\d+([.,]\d+)?$")
# No answer of the questionnaire needs more: an ISEE or a yearly income in euro cents fits in 15
# digits, and 15 significant digits survive a float unchanged. The bound also keeps int() away from
# Python's 4,300-digit conversion limit (a ValueError, i.e. a 500) and float() away from inf.
MAX_NUMBER_DIGITS = 15
_MAX_NUMBER_CHARS = 40  # the digits plus signs, separators, spaces and "€"


class NumberTooLong(ValueError):
    """The text is a number with more than MAX_NUMBER_DIGITS digits."""


def parse_number(raw: str, *, integer: bool) -> int | float | None:
    """Italian and international writing: 1250,50 / 1.250,50 / 1250.50 / 1 250. None if not a number.

    Raises NumberTooLong for a number of more than MAX_NUMBER_DIGITS digits: it is never converted.
    """
    if len(raw) > _MAX_NUMBER_CHARS:
        if sum(ch.isdigit() for ch in raw) > MAX_NUMBER_DIGITS:
            raise NumberTooLong(raw[:20])
        return None
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    elif "," in text:
        text = text.replace(",", ".")
    if not _NUMBER_RE.match(text):
        return None
    if sum(ch.isdigit() for ch in text) > MAX_NUMBER_DIGITS:
        raise NumberTooLong(text[:20])
    if integer:
        return int(text) if "." not in text else None
    value = float(text)
    return int(value) if value.is_integer() else value


class FormRunner:
    def __init__(
        self,
        definition,
        answers: dict,
        *,
        language: str,
        today: date,
        message_language: str | None = None,
    ) -> None:
        self.definition = definition
        self.answers = dict(answers)
        self.language = language
        self.today = today
        # Error messages follow the reader: the woman's language on the tablet, Italian for staff.
        self.message_language = message_language or language
        self.texts = tablet_texts(self.message_language)
        self._raw: dict[str, str] = {}

    # --- structure ---------------------------------------------------------------------------

    @cached_property
    def sections(self) -> list:
        return list(self.definition.sections)

    @property
    def page_count(self) -> int:
        return len(self.sections)

    def page_of_question(self, name: str) -> int | None:
        for index, section in enumerate(self.sections):
            for question in _all_questions(section):
                if question.name == name:
                    return index
        return None

    # --- evaluation helpers ------------------------------------------------------------------

    def _context(
        self, answers: dict, item: dict | None = None, current: Any = ""
    ) -> expressions.EvalContext:
        values = {k: v for k, v in answers.items() if not isinstance(v, list) or _is_choice_list(v)}
        if item:
            values = {**values, **item}
        return expressions.EvalContext(values=values, current=current, today=self.today)

    def _relevant(self, question, answers: dict, item: dict | None = None) -> bool:
        if not question.relevant:
            return True
        try:
            return expressions.is_relevant(
                question.relevant, self._context(answers, item), row=question.name
            )
        except expressions.ExpressionError:
            return True  # a broken expression never hides a question (validation reports it)

    def _required(self, question, answers: dict, item: dict | None = None) -> bool:
        if isinstance(question.required, bool):
            return question.required
        try:
            return expressions.is_required(
                question.required or "", self._context(answers, item), row=question.name
            )
        except expressions.ExpressionError:
            return False

    def _label(self, labels: dict[str, str]) -> tuple[str, str]:
        it = labels.get("it", "")
        return it, labels.get(self.language, "") or it

    # --- rendering ---------------------------------------------------------------------------

    def page(
        self,
        index: int,
        *,
        errors: dict[str, str] | None = None,
        answers: dict | None = None,
        raw: dict[str, str] | None = None,
    ) -> Page:
        """The fields of one page. `raw` shows back what was typed in fields that had errors."""
        errors = errors or {}
        self._raw = raw or {}
        answers = self.answers if answers is None else answers
        section = self.sections[index]
        title_it, title_lang = self._label(section.labels)
        blocks: list[Field | RepeatBlock] = []
        for entry in _entries(section):
            if _is_repeat(entry):
                if not self._relevant(entry, answers):
                    continue
                items = answers.get(entry.name) or []
                label_it, label_lang = self._label(entry.labels)
                rendered = []
                for position, item in enumerate(items):
                    fields = [
                        self._field(
                            q,
                            item.get(q.name, ""),
                            errors,
                            answers,
                            item,
                            key=f"{entry.name}.{position}.{q.name}",
                        )
                        for q in _repeat_questions(entry)
                        if q.type not in UNANSWERABLE and self._relevant(q, answers, item)
                    ]
                    rendered.append(fields)
                blocks.append(
                    RepeatBlock(
                        entry.name, label_it, label_lang, rendered, error=errors.get(entry.name, "")
                    )
                )
            elif entry.type not in {"calculate"} and self._relevant(entry, answers):
                blocks.append(
                    self._field(
                        entry, answers.get(entry.name, ""), errors, answers, None, key=entry.name
                    )
                )
        return Page(index, section.name, title_it, title_lang, blocks)

    def _field(self, question, value, errors, answers, item, *, key: str) -> Field:
        label_it, label_lang = self._label(question.labels)
        hint_it, hint_lang = self._label(question.hints or {})
        kind = question.type.split(" ")[0]
        choices = []
        if question.list_name:
            selected = value if isinstance(value, list) else [value]
            for choice in self.definition.choices.get(question.list_name, []):
                c_it, c_lang = self._label(choice.labels)
                choices.append(Choice(choice.name, c_it, c_lang, choice.name in selected))
        return Field(
            key=key,
            name=question.name,
            kind=kind,
            label_it=label_it,
            label_lang=label_lang,
            hint_it=hint_it,
            hint_lang=hint_lang,
            required=self._required(question, answers, item),
            choices=choices,
            value=self._raw.get(key, "")
            if key in errors and key in self._raw
            else ("" if isinstance(value, list) else value),
            error=errors.get(key, ""),
            error_lang=self._error_in_her_language(question, errors.get(key, "")),
        )

    def _error_in_her_language(self, question, message: str) -> str:
        """An Italian error message (the operator's page) in the woman's language, or ""."""
        if not message or self.language == "it":
            return ""
        if message == question.constraint_messages.get("it"):
            return question.constraint_messages.get(self.language, "")
        digits = str(MAX_NUMBER_DIGITS)
        hers = tablet_texts(self.language)
        for key, text in tablet_texts("it").items():
            if message == text.replace("{n}", digits):
                return hers[key].replace("{n}", digits)
        return ""

    # --- submission --------------------------------------------------------------------------

    def submit(self, index: int, data, *, action: str) -> SubmitResult:
        """Apply a posted page. Returns the new answers, errors by field key, and whether to stay."""
        section = self.sections[index]
        answers = dict(self.answers)
        raw: dict[str, Any] = {}
        errors: dict[str, str] = {}

        for entry in _entries(section):
            if _is_repeat(entry):
                items = [dict(item) for item in answers.get(entry.name) or []]
                for position, item in enumerate(items):
                    for q in _repeat_questions(entry):
                        key = f"{entry.name}.{position}.{q.name}"
                        self._read(q, data, key, item, q.name, errors, raw)
                answers[entry.name] = items
            elif entry.type not in UNANSWERABLE:
                self._read(entry, data, entry.name, answers, entry.name, errors, raw)

        stay = False
        if action == "add_repeat" or action.startswith("remove_repeat:"):
            stay = True
            for entry in _entries(section):
                if not _is_repeat(entry):
                    continue
                items = answers.get(entry.name) or []
                if action == "add_repeat" and len(items) < MAX_REPEAT:
                    items.append({})
                elif action.startswith("remove_repeat:"):
                    position = action.split(":", 1)[1]
                    if position.isdigit() and int(position) < len(items):
                        items.pop(int(position))
                answers[entry.name] = items

        answers = self.prune(answers)
        if action in {"next", "save"}:
            errors.update(self._check(section, answers, raw, moving_on=action == "next"))
        else:
            errors = {k: v for k, v in errors.items() if k in raw}  # keep format errors only
        shown = set(data.getlist("_shown")) if hasattr(data, "getlist") else set()
        now_shown = set(self.page(index, answers=answers).shown_keys)
        if action in {"next", "save"} and (now_shown - shown):
            stay = True  # new questions appeared because of these answers
            # They were not on the page she answered: ask them, do not mark them as missing.
            errors = {k: v for k, v in errors.items() if k not in now_shown - shown}
        if errors:
            stay = True
            # A value that breaks a rule is not kept: the page shows what she typed (`raw`), but
            # neither another page nor the screening can ever see it.
            for key in errors:
                _drop(answers, key)
        return SubmitResult(answers=answers, errors=errors, stay=stay, raw=raw)

    def restore(self, index: int, data) -> SubmitResult:
        """The page as it would be with `data` typed in (a kept draft), without the checks of
        "Avanti": only format errors are reported. Nothing is stored; the caller shows it back."""
        return self.submit(index, data, action="back")

    def _read(self, question, data, key, target: dict, name, errors, raw) -> None:
        kind = question.type.split(" ")[0]
        if kind == "select_multiple":
            if key not in data.getlist("_shown"):
                return
            allowed = {c.name for c in self.definition.choices.get(question.list_name, [])}
            values = [v for v in data.getlist(key) if v in allowed]
            if values:
                target[name] = values
            else:
                target.pop(name, None)
            return
        if key not in data.getlist("_shown"):
            return
        value = (data.get(key) or "").strip()
        if not value:
            target.pop(name, None)
            return
        # What she typed is shown back on the page (and kept in the tablet's flash): bounded, and
        # without NUL, which PostgreSQL refuses in text and no answer ever needs.
        raw[key] = value[: MAX_TEXT + 1].replace("\x00", "")
        if "\x00" in value:
            errors[key] = self.texts["constraint"]
            target.pop(name, None)
            return
        if kind == "select_one":
            allowed = {c.name for c in self.definition.choices.get(question.list_name, [])}
            if value in allowed:
                target[name] = value
            return
        if kind in {"integer", "decimal"}:
            try:
                number = parse_number(value, integer=kind == "integer")
            except NumberTooLong:
                errors[key] = self.texts["number_too_long"].format(n=MAX_NUMBER_DIGITS)
                target.pop(name, None)
                return
            if number is None:
                errors[key] = self.texts["not_integer" if kind == "integer" else "not_number"]
                target.pop(name, None)
            else:
                target[name] = number
            return
        if kind == "date":
            try:
                target[name] = date.fromisoformat(value).isoformat()
            except ValueError:
                errors[key] = self.texts["not_date"]
                target.pop(name, None)
            return
        if len(value) > MAX_TEXT:
            errors[key] = self.texts["too_long"]
            value = value[:MAX_TEXT]
        target[name] = value

    def _check(
        self, section, answers: dict, raw: dict, *, moving_on: bool = False
    ) -> dict[str, str]:
        """Required and constraints on the page. `moving_on` ("Avanti") also asks for at least
        one entry in a repeat opened by an answer ("has children: yes" and no child added would
        otherwise reach the screening as children unknown); saving to continue later does not."""
        errors: dict[str, str] = {}

        def check(question, value, key, item=None):
            if question.type.split(" ")[0] in UNANSWERABLE:
                return
            if not self._relevant(question, answers, item):
                return
            empty = value in ("", None, [])
            if empty:
                if self._required(question, answers, item):
                    errors[key] = self.texts["required"]
                return
            if question.constraint:
                try:
                    ok = expressions.passes_constraint(
                        question.constraint,
                        self._context(answers, item, current=value),
                        row=question.name,
                    )
                except expressions.ExpressionError:
                    ok = True
                if not ok:
                    messages = question.constraint_messages or {}
                    errors[key] = (
                        messages.get(self.message_language)
                        or messages.get("it")
                        or self.texts["constraint"]
                    )

        for entry in _entries(section):
            if _is_repeat(entry):
                if not self._relevant(entry, answers):
                    continue
                if moving_on and entry.relevant and not answers.get(entry.name):
                    errors[entry.name] = self.texts["repeat_empty"]
                for position, item in enumerate(answers.get(entry.name) or []):
                    for q in _repeat_questions(entry):
                        check(q, item.get(q.name, ""), f"{entry.name}.{position}.{q.name}", item)
            else:
                check(entry, answers.get(entry.name, ""), entry.name)
        return errors

    def prune(self, answers: dict) -> dict:
        """Drop answers to questions that are not relevant any more (in form order)."""
        answers = dict(answers)
        for section in self.sections:
            for entry in _entries(section):
                if _is_repeat(entry):
                    if not self._relevant(entry, answers):
                        answers.pop(entry.name, None)
                        continue
                    items = []
                    for item in answers.get(entry.name) or []:
                        item = dict(item)
                        for q in _repeat_questions(entry):
                            if not self._relevant(q, answers, item):
                                item.pop(q.name, None)
                        items.append(item)
                    if entry.name in answers:
                        answers[entry.name] = items
                elif not self._relevant(entry, answers):
                    answers.pop(entry.name, None)
        return answers


def _drop(answers: dict, key: str) -> None:
    """Remove the answer at a field key ("name" or "repeat.index.name")."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        items = answers.get(parts[0]) or []
        if int(parts[1]) < len(items):
            items[int(parts[1])].pop(parts[2], None)
    else:
        answers.pop(key, None)


def _is_choice_list(value: list) -> bool:
    return all(isinstance(v, str) for v in value)


# --- adapters to the parsed definition (scarpette.questionnaire.xlsform) ---------------------


def _entries(section) -> list:
    return list(section.items)


def _is_repeat(entry) -> bool:
    return getattr(entry, "is_repeat", False)


def _repeat_questions(repeat) -> list:
    return list(repeat.questions)


def _all_questions(section):
    for entry in _entries(section):
        if _is_repeat(entry):
            yield from _repeat_questions(entry)
        else:
            yield entry
