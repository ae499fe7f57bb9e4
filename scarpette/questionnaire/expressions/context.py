"""What an expression is evaluated against (`EvalContext`) and the per-evaluation state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .values import InternalValue, normalize


@dataclass(frozen=True, slots=True)
class EvalContext:
    """What an expression is evaluated against.

    `values` maps question names to answers (str, int, float, Decimal, bool, date, list for
    select_multiple, or None for unanswered); a name missing from it is also unanswered, because
    questions that were never shown have no answer — check `Expression.references` against the
    form when it is loaded to catch misspelt names. `current` is the value of `.` (the question
    whose constraint is being checked). `today` pins `today()` so that results are reproducible
    in tests and when re-checking a past submission; None means the real current date.
    """

    values: Mapping[str, Any]
    current: Any = ""
    today: date | None = None


class Env:
    """Per-evaluation state: normalizes answers on first use and fixes `today()` once."""

    __slots__ = ("_context", "_cache", "_today")

    def __init__(self, context: EvalContext):
        self._context = context
        self._cache: dict[str, InternalValue] = {}
        self._today: date | None = None

    def lookup(self, name: str) -> InternalValue:
        try:
            return self._cache[name]
        except KeyError:
            value = self._cache[name] = normalize(self._context.values.get(name))
            return value

    def current(self) -> InternalValue:
        return normalize(self._context.current)

    def today(self) -> date:
        if self._today is None:
            pinned = self._context.today
            if pinned is None:
                self._today = date.today()
            elif isinstance(pinned, datetime):
                self._today = pinned.date()
            else:
                self._today = pinned
        return self._today
