"""The public entry points: compile an expression once, evaluate it per submission, and the
meaning of the `relevant`, `required` and `constraint` columns."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Final

from .context import Env, EvalContext
from .errors import MAX_LENGTH, ExpressionError
from .nodes import Node, references_of
from .parser import Parser
from .values import Value, public_value, to_bool


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression: parse once when the form is loaded, evaluate per submission.

    Immutable, so the compile cache can hand the same object to every request.
    """

    text: str
    row: str
    _root: Node = field(repr=False, compare=False)
    references: frozenset[str] = field(compare=False)
    """The question names it reads through `${name}`, to check against the form at load time."""

    def evaluate(self, context: EvalContext) -> Value:
        """The expression's value: str, float, bool or date (select_multiple lists come back
        as ODK's space-separated string). Never raises for the answer types `EvalContext` lists:
        every failure mode (division by zero, non-numbers, bad dates) has an XPath value."""
        return public_value(self._root.evaluate(Env(context)))

    def evaluate_bool(self, context: EvalContext) -> bool:
        """The value as an XPath boolean, as `relevant`, `required` and `constraint` use it."""
        return to_bool(self._root.evaluate(Env(context)))


def compile_expression(text: str, *, row: str = "") -> Expression:
    """Parse `text` into an `Expression`; `row` (the XLSForm name) is quoted in any error.

    Raises `ExpressionError` for anything that is not a valid expression, including empty text,
    text over MAX_LENGTH characters and nesting over MAX_DEPTH. Results are cached, since the
    same form's expressions are compiled again on every request that needs them.
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be str, not {type(text).__name__}")
    return _compile_cached(text, row)


@functools.lru_cache(maxsize=2048)
def _compile_cached(text: str, row: str) -> Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"espressione troppo lunga ({len(text)} caratteri, al massimo {MAX_LENGTH})", row=row
        )
    if not text.strip():
        raise ExpressionError("espressione vuota", row=row)
    root = Parser(text, row).parse()
    return Expression(text=text, row=row, _root=root, references=frozenset(references_of(root)))


def evaluate_bool(expression: str | Expression, context: EvalContext, row: str = "") -> bool:
    """Evaluate an expression (text or compiled) as a boolean. Empty text is an error here:
    what an empty cell means depends on the column, see `is_relevant` and friends."""
    if isinstance(expression, str):
        expression = compile_expression(expression, row=row)
    return expression.evaluate_bool(context)


def is_relevant(expression: str, context: EvalContext, *, row: str = "") -> bool:
    """The `relevant` column: an empty cell means the question is always shown."""
    if not expression.strip():
        return True
    return evaluate_bool(expression, context, row)


_REQUIRED_CONSTANTS: Final[dict[str, bool]] = {
    "": False,
    "no": False,
    "false": False,
    "false()": False,
    "yes": True,
    "true": True,
    "true()": True,
}


def is_required(expression: str, context: EvalContext, *, row: str = "") -> bool:
    """The `required` column: empty/no/false() mean optional, yes/true() mean required
    (spreadsheet spellings, case-insensitive, as pyxform accepts them); anything else is an
    expression evaluated against the answers."""
    constant = _REQUIRED_CONSTANTS.get(expression.strip().lower())
    if constant is not None:
        return constant
    return evaluate_bool(expression, context, row)


def passes_constraint(expression: str, context: EvalContext, *, row: str = "") -> bool:
    """The `constraint` column, with `.` bound to `context.current`: empty means no constraint.

    Like ODK, callers should check constraints only on answered questions; an unanswered
    question is the business of `required`.
    """
    if not expression.strip():
        return True
    return evaluate_bool(expression, context, row)
