"""The binary operators, with XPath 1.0 semantics for comparisons and arithmetic, and their
binding powers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from .values import NAN, InternalValue, as_date, to_bool, to_num, to_str


def _equals(left: InternalValue, right: InternalValue) -> bool:
    """XPath `=` without node-sets, plus date-likes comparing as dates.

    The order of the checks is XPath's: boolean beats number beats string. `!=` is exactly the
    negation, which is also right for NaN (NaN != x is true under IEEE).
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return to_bool(left) == to_bool(right)
    left_day, right_day = as_date(left), as_date(right)
    if left_day is not None and right_day is not None:
        return left_day == right_day
    if isinstance(left, float) or isinstance(right, float):
        return to_num(left) == to_num(right)
    return to_str(left) == to_str(right)


def _not_equals(left: InternalValue, right: InternalValue) -> bool:
    return not _equals(left, right)


def _compare(test: Callable[[Any, Any], bool]) -> Callable[[InternalValue, InternalValue], bool]:
    """XPath relational operators: dates if both sides are date-like, otherwise numbers.

    NaN (an unanswered or non-numeric value) makes every comparison false, as in XPath.
    """

    def compare(left: InternalValue, right: InternalValue) -> bool:
        left_day, right_day = as_date(left), as_date(right)
        if left_day is not None and right_day is not None:
            return test(left_day, right_day)
        return test(to_num(left), to_num(right))

    return compare


def _add(left: InternalValue, right: InternalValue) -> float:
    return to_num(left) + to_num(right)


def _subtract(left: InternalValue, right: InternalValue) -> float:
    return to_num(left) - to_num(right)


def _multiply(left: InternalValue, right: InternalValue) -> float:
    return to_num(left) * to_num(right)


def _divide(left: InternalValue, right: InternalValue) -> float:
    """XPath `div`: IEEE division, so x div 0 is ±Infinity and 0 div 0 is NaN, never an error."""
    dividend, divisor = to_num(left), to_num(right)
    if divisor == 0.0:
        if dividend == 0.0 or math.isnan(dividend):
            return NAN
        return math.copysign(math.inf, dividend) * math.copysign(1.0, divisor)
    return dividend / divisor


def _modulo(left: InternalValue, right: InternalValue) -> float:
    """XPath `mod`: truncated remainder with the dividend's sign (`math.fmod`, not Python `%`)."""
    dividend, divisor = to_num(left), to_num(right)
    if divisor == 0.0 or math.isnan(dividend) or math.isnan(divisor) or math.isinf(dividend):
        return NAN
    if math.isinf(divisor):
        return dividend
    return math.fmod(dividend, divisor)


BINARY: Final[dict[str, Callable[[InternalValue, InternalValue], InternalValue]]] = {
    "=": _equals,
    "!=": _not_equals,
    "<": _compare(lambda a, b: a < b),
    "<=": _compare(lambda a, b: a <= b),
    ">": _compare(lambda a, b: a > b),
    ">=": _compare(lambda a, b: a >= b),
    "+": _add,
    "-": _subtract,
    "*": _multiply,
    "div": _divide,
    "mod": _modulo,
}

# Binding powers, low to high, as in the XPath 1.0 grammar. Unary minus binds tighter than all.
PRECEDENCE: Final[dict[str, int]] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
UNARY_PRECEDENCE: Final = 7
KEYWORD_OPERATORS: Final = frozenset({"and", "or", "div", "mod"})
