"""From questionnaire answers to screening facts (shared/design/facts.md), needs and contact.

The one rule that matters most: an answer she did not give, "Non so" (`dont_know`) and "Preferisco
non rispondere" (`prefer_not`) all leave the fact *out* of the profile, so the screening reads it
as unknown. They never become false or zero, because an unknown fact makes a measure
"undetermined" (ask again) while a wrong false makes it "not eligible" (she loses it).

Zero does come from an explicit "no" to a gate of a count or an amount ("Are you pregnant?" no ->
`pregnant_month` 0; "Do you have savings?" no -> `assets_financial` 0), because then she did say
how many: none.

Answers are `{question_name: value}`: a select_one is a str, a select_multiple a list of str (or
the XLSForm space-separated string), numbers are int/float or numeric strings, dates ISO strings,
and the children repeat is `answers["children"] = [{question_name: value, ...}, ...]`. The caller
(the pages) passes only answers to questions that were relevant when she answered; this module
enforces the gates itself, so a stale number behind a gate later answered "Non so" is dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from scarpette.screening.facts import CHILD_FIELDS, FACTS, FactError, FactSpec, normalise_profile

from .xlsform import (
    CONTACT_KINDS,
    NEED_CODES,
    NEEDS_FROM_CHOICES,
    NO_BENEFITS,
    UNKNOWN_ANSWERS,
    FormDefinition,
    Question,
    Section,
)


class AnswerError(ValueError):
    """An answer the form cannot have produced (wrong type, unknown choice, out of range)."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(f"{question}: {message}")
        self.question = question
        self.message = message


class _Omit:
    """Marker: the fact stays unknown (not in the profile)."""


OMIT = _Omit()

_COUNT_TYPES = ("integer", "decimal")
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def _as_list(question: Question, value: Any) -> list[str]:
    """A select_multiple answer as a list (the XLSForm stores "a b c")."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise AnswerError(question.name, f"expected a list of choices, got {value!r}")


def _as_number(question: Question, value: Any, integer: bool) -> int | float:
    """A typed-in number, in machine form ("7500.5") or Italian ("7.500,50", "7.500").

    "7.500" is read as seven thousand five hundred: for euro amounts typed by an Italian operator
    that is what it means, and reading it as 7.5 would make her ISEE look tiny.
    """
    if isinstance(value, bool):
        raise AnswerError(question.name, f"expected a number, got {value!r}")
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if "," in text or _THOUSANDS.match(text):
            text = text.replace(".", "").replace(",", ".")
        try:
            number: int | float = float(text)
        except ValueError:
            raise AnswerError(question.name, f"not a number: {value!r}") from None
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise AnswerError(question.name, f"expected a number, got {value!r}")
    if not math.isfinite(number):
        raise AnswerError(question.name, f"not a finite number: {value!r}")
    if integer:
        if float(number) != int(number):
            raise AnswerError(question.name, f"expected a whole number, got {value!r}")
        return int(number)
    return float(number)


def _as_date(question: Question, value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise AnswerError(question.name, f"expected a date YYYY-MM-DD, got {value!r}")


def _choice(defn: FormDefinition, question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(question.name, f"expected one choice, got {value!r}")
    value = value.strip()
    if value not in defn.choice_names(question.list_name or ""):
        raise AnswerError(question.name, f"{value!r} is not one of its choices")
    return value


def _convert(
    defn: FormDefinition, question: Question, spec: FactSpec, answers: Mapping[str, Any]
) -> Any:
    """The fact value of one question's answer, or OMIT when it stays unknown."""
    if question.gate is not None:
        gate_answer = answers.get(question.gate)
        if gate_answer == "no" and question.type in _COUNT_TYPES:
            return 0  # "no savings", "not pregnant": she said how many, none
        if gate_answer != "yes":
            return OMIT
    value = answers.get(question.name)
    if _is_blank(value):
        return OMIT
    kind = spec.kind
    if kind == "boolean":
        choice = _choice(defn, question, value)
        return {"yes": True, "no": False}.get(choice, OMIT)
    if kind == "enum":
        choice = _choice(defn, question, value)
        if choice in UNKNOWN_ANSWERS:
            return OMIT
        if choice not in spec.choices:
            raise AnswerError(question.name, f"{choice!r} is not a value of the fact")
        return choice
    if kind in ("integer", "number"):
        return _as_number(question, value, integer=kind == "integer")
    if kind == "date":
        return _as_date(question, value)
    if kind == "measures":
        chosen = _as_list(question, value)
        allowed = set(defn.choice_names(question.list_name or ""))
        unknown = [item for item in chosen if item not in allowed]
        if unknown:
            raise AnswerError(question.name, f"unknown choices {unknown!r}")
        if any(item in UNKNOWN_ANSWERS for item in chosen):
            return OMIT
        return [item for item in chosen if item != NO_BENEFITS]  # only "none" -> []
    raise AnswerError(question.name, f"fact kind {kind!r} is not answered by a question")


def _children(
    defn: FormDefinition, repeat: Section, answers: Mapping[str, Any]
) -> list[dict[str, Any]] | _Omit:
    """`children` from the repeat: [] only if she said she has none; else the known fields."""
    if repeat.gate is not None:
        gate_answer = answers.get(repeat.gate)
        if gate_answer == "no":
            return []
        if gate_answer != "yes":
            return OMIT
    entries = answers.get(repeat.name)
    if entries is None or entries == []:
        return OMIT  # she has children but gave no details: how many is unknown
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, Mapping) for e in entries):
        raise AnswerError(repeat.name, "expected a list of answers, one per child")
    children = []
    for entry in entries:
        child: dict[str, Any] = {}
        for question in repeat.questions:
            if not question.fact:
                continue
            field_name = question.fact.partition(".")[2]
            value = _convert(defn, question, CHILD_FIELDS[field_name], entry)
            if value is not OMIT:
                child[field_name] = value
        children.append(child)
    return children


def answers_to_facts(
    defn: FormDefinition, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """(facts for the screening, need codes she chose); facts pass `normalise_profile`."""
    facts: dict[str, Any] = {}
    for section in defn.sections:
        for item in section.items:
            if isinstance(item, Section):
                if item.fact == "children":
                    children = _children(defn, item, answers)
                    if children is not OMIT:
                        facts["children"] = children
                continue
            if not item.fact:
                continue
            value = _convert(defn, item, FACTS[item.fact], answers)
            if value is not OMIT:
                facts[item.fact] = value
    try:
        normalise_profile(facts)
    except FactError as exc:
        question = defn.fact_questions.get(exc.fact.split("[")[0].split(".")[0], exc.fact)
        raise AnswerError(question, exc.message) from None
    return facts, needs_from_answers(defn, answers)


def needs_from_answers(defn: FormDefinition, answers: Mapping[str, Any]) -> list[str]:
    """The need codes she chose, in the canonical order of NEED_CODES, without repeats."""
    chosen: set[str] = set()
    for question in defn.questions:
        if not question.need:
            continue
        value = answers.get(question.name)
        if _is_blank(value):
            continue
        if question.need == NEEDS_FROM_CHOICES:
            for code in _as_list(question, value):
                if code not in NEED_CODES:
                    raise AnswerError(question.name, f"unknown need {code!r}")
                chosen.add(code)
        elif _choice(defn, question, value) == "yes":
            chosen.add(question.need)
    return [code for code in NEED_CODES if code in chosen]


def contact_preferences(defn: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Her safe channels and times: `{"safe_channels": [...], "safe_times": "..."}`.

    Not screening facts: they decide how (and whether) anyone may contact her (security.md,
    "Safety of the women"). No answer means no channel marked safe, so nobody contacts her
    directly.
    """
    result: dict[str, Any] = {"safe_channels": [], "safe_times": ""}
    for question in defn.questions:
        if question.contact not in CONTACT_KINDS:
            continue
        value = answers.get(question.name)
        if _is_blank(value):
            continue
        if question.contact == "channels":
            allowed = defn.choice_names(question.list_name or "")
            channels = _as_list(question, value)
            unknown = [item for item in channels if item not in allowed]
            if unknown:
                raise AnswerError(question.name, f"unknown channels {unknown!r}")
            result["safe_channels"] = [item for item in allowed if item in channels]
        elif question.contact == "times":
            if not isinstance(value, str):
                raise AnswerError(question.name, f"expected text, got {value!r}")
            result["safe_times"] = value.strip()
    return result
