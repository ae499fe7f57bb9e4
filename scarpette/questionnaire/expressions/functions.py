"""The functions a form may call (`FUNCTIONS`), with their arity and implementation."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from .context import Env
from .values import EPOCH_UTC, NAN, InternalValue, as_date, to_bool, to_num, to_str

if TYPE_CHECKING:
    from .nodes import Node


@dataclass(frozen=True, slots=True)
class Function:
    """A function the forms may call. Implementations get the unevaluated argument nodes so
    that `if()` and `coalesce()` evaluate only what they need, as ODK does."""

    min_args: int
    max_args: int | None
    implementation: Callable[[tuple[Node, ...], Env], InternalValue]


def _choices(value: InternalValue) -> tuple[str, ...]:
    """The choice names of a select_multiple answer: a list, or ODK's space-separated string."""
    if isinstance(value, tuple):
        return value
    return tuple(to_str(value).split())


def _fn_selected(args: tuple[Node, ...], env: Env) -> InternalValue:
    wanted = to_str(args[1].evaluate(env)).strip()
    return bool(wanted) and wanted in _choices(args[0].evaluate(env))


def _fn_count_selected(args: tuple[Node, ...], env: Env) -> InternalValue:
    return float(len(_choices(args[0].evaluate(env))))


def _fn_if(args: tuple[Node, ...], env: Env) -> InternalValue:
    return args[1 if to_bool(args[0].evaluate(env)) else 2].evaluate(env)


def _fn_coalesce(args: tuple[Node, ...], env: Env) -> InternalValue:
    first = args[0].evaluate(env)
    return first if to_str(first) != "" else args[1].evaluate(env)


def _fn_int(args: tuple[Node, ...], env: Env) -> InternalValue:
    number = to_num(args[0].evaluate(env))
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.trunc(number))


def _fn_decimal_date_time(args: tuple[Node, ...], env: Env) -> InternalValue:
    """Days since 1970-01-01 with the time of day as a fraction; a naive time counts as UTC."""
    value = args[0].evaluate(env)
    if not isinstance(value, str) or as_date(value) is not None:
        return to_num(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return to_num(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return (moment - EPOCH_UTC).total_seconds() / 86_400
    except OverflowError:
        return NAN


FUNCTIONS: Final[Mapping[str, Function]] = {
    "not": Function(1, 1, lambda a, env: not to_bool(a[0].evaluate(env))),
    "true": Function(0, 0, lambda a, env: True),
    "false": Function(0, 0, lambda a, env: False),
    "boolean": Function(1, 1, lambda a, env: to_bool(a[0].evaluate(env))),
    "selected": Function(2, 2, _fn_selected),
    "count-selected": Function(1, 1, _fn_count_selected),
    "today": Function(0, 0, lambda a, env: env.today()),
    "if": Function(3, 3, _fn_if),
    "string": Function(1, 1, lambda a, env: to_str(a[0].evaluate(env))),
    "number": Function(1, 1, lambda a, env: to_num(a[0].evaluate(env))),
    "int": Function(1, 1, _fn_int),
    "string-length": Function(1, 1, lambda a, env: float(len(to_str(a[0].evaluate(env))))),
    "concat": Function(1, None, lambda a, env: "".join(to_str(x.evaluate(env)) for x in a)),
    "coalesce": Function(2, 2, _fn_coalesce),
    "decimal-date-time": Function(1, 1, _fn_decimal_date_time),
}
"""The functions a form may call, by XPath name (case-sensitive), with their arity. Beyond the
ones the forms were written with, XPath's `concat()` and `boolean()` are here because
`calculate` rows routinely need them; anything else is an unknown function at compile time."""
