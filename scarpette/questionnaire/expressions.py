"""A small, safe evaluator for the XLSForm expressions the questionnaire uses.

XLSForm rows carry XPath 1.0 expressions in `relevant`, `constraint`, `required` and `calculate`
(`${name}` references, comparisons, and/or, `selected()`, `count-selected()`, arithmetic,
`today()`, `if()`). The questionnaire must evaluate them on the server, so that what the server
accepts is exactly what the form shows; ODK's own engine is Java and the browser one is
JavaScript, so this module re-implements the subset forms actually use.

Why hand-written: form files are edited by people, not programmers, so an expression is untrusted
text. It is tokenized and parsed (recursive descent with operator precedence, Pratt style) into an
AST of small frozen dataclasses, and evaluation walks that AST. Nothing is ever handed to Python's
`eval`, `exec` or `compile`, so a form cannot run code. Length and nesting are capped, so a
pathological expression fails with `ExpressionError` instead of a `RecursionError` or a slow
request. Every compile-time error names the form row and the character where it happened,
because the person who must fix it is reading the spreadsheet, not a traceback.

Semantics follow XPath 1.0 as ODK applies them (see `_equals`, `_compare`, `_to_number`):

* an unanswered question is the empty string "" (None in `EvalContext.values` means the same);
* `=` / `!=` compare as booleans if either side is boolean, as numbers if either side is a
  number, otherwise as strings; `<`, `<=`, `>`, `>=` always compare as numbers. A string that is
  not a number is NaN, so `${age} > 18` is false while `age` is unanswered, `${age} = ''` is true,
  and `${age} != 5` is true (IEEE: NaN differs from everything);
* booleans: a non-empty string or a non-zero, non-NaN number is true;
* `div` by zero gives ±Infinity or NaN and `mod` is the truncated remainder (sign of the
  dividend, like `math.fmod`), never a Python exception;
* numbers are IEEE doubles (Python floats), as in XPath.

One deliberate extension: dates. ODK stores date answers as 'YYYY-MM-DD' and compares them as
dates; here a `datetime.date` value or a string in exactly that form is "date-like". Two
date-like values compare as dates (with any operator), and a date-like value used as a number is
the count of days since 1970-01-01, so `(today() - ${dob}) div 365.25` works whether the answer
arrived as a `date` or as its ISO string.

Public API: `compile_expression`, `Expression`, `EvalContext`, `ExpressionError`,
`evaluate_bool`, `is_relevant`, `is_required`, `passes_constraint`, and the XPath conversions
`to_string`, `to_number`, `to_boolean` (for storing `calculate` results).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "EvalContext",
    "Expression",
    "ExpressionError",
    "FUNCTIONS",
    "Value",
    "compile_expression",
    "evaluate_bool",
    "is_relevant",
    "is_required",
    "passes_constraint",
    "to_boolean",
    "to_number",
    "to_string",
]

# Real form expressions are a few hundred characters at most; the caps exist so that hostile or
# broken input fails fast with a readable error instead of exhausting the stack or the CPU.
MAX_LENGTH: Final = 2_000
# Counted as nested parser calls (parentheses, function arguments, unary minus and each step up
# the precedence ladder), which also bounds the depth of the AST and so of evaluation.
MAX_DEPTH: Final = 100

Value = str | float | bool | date
"""What `Expression.evaluate` returns: XPath's string, number and boolean, plus dates."""

# Internally a select_multiple answer stays a tuple of choice names until something needs it as
# a string, so `selected()` and `count-selected()` never have to re-split it.
_Value = str | float | bool | date | tuple[str, ...]

_EPOCH: Final = date(1970, 1, 1)
_EPOCH_UTC: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NAN: Final = math.nan


# --------------------------------------------------------------------------------------------
# Errors


class ExpressionError(ValueError):
    """An expression that cannot be compiled, with the form row and position it came from.

    The message is Italian and self-contained ("riga 'isee': … (carattere 7)") because it is
    shown to the people who maintain the form; `row`, `position` (0-based, or None) and `detail`
    are kept separately for callers that format their own report.
    """

    def __init__(self, detail: str, *, row: str = "", position: int | None = None, text: str = ""):
        self.detail = detail
        self.row = row
        self.position = position
        self.text = text
        where = f"riga '{row}'" if row else "espressione"
        message = f"{where}: {detail}"
        if position is not None:
            message += f" (carattere {position + 1}"
            near = text[position : position + 15]
            if near.strip():
                message += f", vicino a «{near}»"
            message += ")"
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Values and XPath conversions


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_XPATH_NUMBER = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")


def _normalize(raw: Any) -> _Value:
    """Bring a Python value from the answers (or `current`) into the evaluator's value space.

    Everything numeric becomes a float because XPath numbers are doubles; None is "unanswered",
    i.e. ""; a datetime becomes its date, since forms compare dates and mixing the two types
    would make Python raise; lists (select_multiple) become a tuple of choice names. Nothing here
    raises for the types answers can hold.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool | str | float):
        return raw
    if isinstance(raw, int):
        try:
            return float(raw)
        except OverflowError:
            return math.inf if raw > 0 else -math.inf
    if isinstance(raw, Decimal):
        try:
            return float(raw)
        except (ValueError, OverflowError):  # signalling NaN
            return _NAN
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, list | tuple | set | frozenset):
        items = [_to_str(_normalize(item)).strip() for item in raw]
        if isinstance(raw, set | frozenset):
            items.sort()
        return tuple(item for item in items if item)
    if isinstance(raw, numbers.Number):
        try:
            return float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return str(raw)
    return str(raw)


def _parse_iso_date(text: str) -> date | None:
    """The date an answer string denotes, if it is exactly 'YYYY-MM-DD' and a real day."""
    if len(text) != 10 or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _as_date(value: _Value) -> date | None:
    """A date if the value is date-like (a date, or an ISO date string), else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_iso_date(value)
    return None


def _format_number(number: float) -> str:
    """XPath's string(): no exponent, no trailing '.0', 'NaN' and '±Infinity' spelled out."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))  # also turns -0.0 into "0", as XPath does
    text = format(Decimal(repr(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _to_str(value: _Value) -> str:
    """XPath string() on a normalized value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _format_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(value)


def _to_num(value: _Value) -> float:
    """XPath number() on a normalized value; date-like values count days since 1970-01-01."""
    if isinstance(value, float):
        return value
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, date):
        return float((value - _EPOCH).days)
    text = value if isinstance(value, str) else " ".join(value)
    if _XPATH_NUMBER.fullmatch(text):
        return float(text.strip())
    day = _parse_iso_date(text)
    if day is not None:
        return float((day - _EPOCH).days)
    return _NAN


def _to_bool(value: _Value) -> bool:
    """XPath boolean(): non-empty strings and non-zero, non-NaN numbers are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    if isinstance(value, date):
        return True
    return len(value) > 0


def _public(value: _Value) -> Value:
    """What callers see: a select_multiple tuple goes back to ODK's space-separated string."""
    return " ".join(value) if isinstance(value, tuple) else value


def to_string(value: Any) -> str:
    """XPath string() of any answer or result, e.g. to store a `calculate` result as text."""
    return _to_str(_normalize(value))


def to_number(value: Any) -> float:
    """XPath number() of any answer or result (NaN when it is not a number)."""
    return _to_num(_normalize(value))


def to_boolean(value: Any) -> bool:
    """XPath boolean() of any answer or result."""
    return _to_bool(_normalize(value))


# --------------------------------------------------------------------------------------------
# Operators


def _equals(left: _Value, right: _Value) -> bool:
    """XPath `=` without node-sets, plus date-likes comparing as dates.

    The order of the checks is XPath's: boolean beats number beats string. `!=` is exactly the
    negation, which is also right for NaN (NaN != x is true under IEEE).
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return _to_bool(left) == _to_bool(right)
    left_day, right_day = _as_date(left), _as_date(right)
    if left_day is not None and right_day is not None:
        return left_day == right_day
    if isinstance(left, float) or isinstance(right, float):
        return _to_num(left) == _to_num(right)
    return _to_str(left) == _to_str(right)


def _not_equals(left: _Value, right: _Value) -> bool:
    return not _equals(left, right)


def _compare(test: Callable[[Any, Any], bool]) -> Callable[[_Value, _Value], bool]:
    """XPath relational operators: dates if both sides are date-like, otherwise numbers.

    NaN (an unanswered or non-numeric value) makes every comparison false, as in XPath.
    """

    def compare(left: _Value, right: _Value) -> bool:
        left_day, right_day = _as_date(left), _as_date(right)
        if left_day is not None and right_day is not None:
            return test(left_day, right_day)
        return test(_to_num(left), _to_num(right))

    return compare


def _add(left: _Value, right: _Value) -> float:
    return _to_num(left) + _to_num(right)


def _subtract(left: _Value, right: _Value) -> float:
    return _to_num(left) - _to_num(right)


def _multiply(left: _Value, right: _Value) -> float:
    return _to_num(left) * _to_num(right)


def _divide(left: _Value, right: _Value) -> float:
    """XPath `div`: IEEE division, so x div 0 is ±Infinity and 0 div 0 is NaN, never an error."""
    dividend, divisor = _to_num(left), _to_num(right)
    if divisor == 0.0:
        if dividend == 0.0 or math.isnan(dividend):
            return _NAN
        return math.copysign(math.inf, dividend) * math.copysign(1.0, divisor)
    return dividend / divisor


def _modulo(left: _Value, right: _Value) -> float:
    """XPath `mod`: truncated remainder with the dividend's sign (`math.fmod`, not Python `%`)."""
    dividend, divisor = _to_num(left), _to_num(right)
    if divisor == 0.0 or math.isnan(dividend) or math.isnan(divisor) or math.isinf(dividend):
        return _NAN
    if math.isinf(divisor):
        return dividend
    return math.fmod(dividend, divisor)


_BINARY: Final[dict[str, Callable[[_Value, _Value], _Value]]] = {
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
_PRECEDENCE: Final[dict[str, int]] = {
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
_UNARY_PRECEDENCE: Final = 7
_KEYWORD_OPERATORS: Final = frozenset({"and", "or", "div", "mod"})


# --------------------------------------------------------------------------------------------
# Evaluation environment


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


class _Env:
    """Per-evaluation state: normalizes answers on first use and fixes `today()` once."""

    __slots__ = ("_context", "_cache", "_today")

    def __init__(self, context: EvalContext):
        self._context = context
        self._cache: dict[str, _Value] = {}
        self._today: date | None = None

    def lookup(self, name: str) -> _Value:
        try:
            return self._cache[name]
        except KeyError:
            value = self._cache[name] = _normalize(self._context.values.get(name))
            return value

    def current(self) -> _Value:
        return _normalize(self._context.current)

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


# --------------------------------------------------------------------------------------------
# AST


@dataclass(frozen=True, slots=True)
class _Number:
    value: float

    def evaluate(self, env: _Env) -> _Value:
        return self.value


@dataclass(frozen=True, slots=True)
class _String:
    value: str

    def evaluate(self, env: _Env) -> _Value:
        return self.value


@dataclass(frozen=True, slots=True)
class _Reference:
    name: str

    def evaluate(self, env: _Env) -> _Value:
        return env.lookup(self.name)


@dataclass(frozen=True, slots=True)
class _Current:
    def evaluate(self, env: _Env) -> _Value:
        return env.current()


@dataclass(frozen=True, slots=True)
class _Negate:
    operand: _Node

    def evaluate(self, env: _Env) -> _Value:
        return -_to_num(self.operand.evaluate(env))


@dataclass(frozen=True, slots=True)
class _Or:
    """`a or b or …` as one node: short-circuits, and long chains add no depth."""

    operands: tuple[_Node, ...]

    def evaluate(self, env: _Env) -> _Value:
        return any(_to_bool(operand.evaluate(env)) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class _And:
    operands: tuple[_Node, ...]

    def evaluate(self, env: _Env) -> _Value:
        return all(_to_bool(operand.evaluate(env)) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class _Chain:
    """A left-associative run of operators of one precedence level: `a - b + c` is
    ((a - b) + c). Kept flat so that a long sum is evaluated by a loop, not by recursion."""

    first: _Node
    rest: tuple[tuple[str, _Node], ...]
    level: int

    def evaluate(self, env: _Env) -> _Value:
        result = self.first.evaluate(env)
        for operator, operand in self.rest:
            result = _BINARY[operator](result, operand.evaluate(env))
        return result


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_Node, ...]

    def evaluate(self, env: _Env) -> _Value:
        return FUNCTIONS[self.name].implementation(self.args, env)


_Node = _Number | _String | _Reference | _Current | _Negate | _Or | _And | _Chain | _Call


def _references(node: _Node) -> set[str]:
    """The `${names}` under a node (depth is bounded by MAX_DEPTH, so recursion is safe)."""
    if isinstance(node, _Reference):
        return {node.name}
    if isinstance(node, _Negate):
        return _references(node.operand)
    if isinstance(node, _Or | _And):
        children: tuple[_Node, ...] = node.operands
    elif isinstance(node, _Chain):
        children = (node.first, *(operand for _, operand in node.rest))
    elif isinstance(node, _Call):
        children = node.args
    else:
        return set()
    names: set[str] = set()
    for child in children:
        names |= _references(child)
    return names


# --------------------------------------------------------------------------------------------
# Functions


@dataclass(frozen=True, slots=True)
class _Function:
    """A function the forms may call. Implementations get the unevaluated argument nodes so
    that `if()` and `coalesce()` evaluate only what they need, as ODK does."""

    min_args: int
    max_args: int | None
    implementation: Callable[[tuple[_Node, ...], _Env], _Value]


def _choices(value: _Value) -> tuple[str, ...]:
    """The choice names of a select_multiple answer: a list, or ODK's space-separated string."""
    if isinstance(value, tuple):
        return value
    return tuple(_to_str(value).split())


def _fn_selected(args: tuple[_Node, ...], env: _Env) -> _Value:
    wanted = _to_str(args[1].evaluate(env)).strip()
    return bool(wanted) and wanted in _choices(args[0].evaluate(env))


def _fn_count_selected(args: tuple[_Node, ...], env: _Env) -> _Value:
    return float(len(_choices(args[0].evaluate(env))))


def _fn_if(args: tuple[_Node, ...], env: _Env) -> _Value:
    return args[1 if _to_bool(args[0].evaluate(env)) else 2].evaluate(env)


def _fn_coalesce(args: tuple[_Node, ...], env: _Env) -> _Value:
    first = args[0].evaluate(env)
    return first if _to_str(first) != "" else args[1].evaluate(env)


def _fn_int(args: tuple[_Node, ...], env: _Env) -> _Value:
    number = _to_num(args[0].evaluate(env))
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.trunc(number))


def _fn_decimal_date_time(args: tuple[_Node, ...], env: _Env) -> _Value:
    """Days since 1970-01-01 with the time of day as a fraction; a naive time counts as UTC."""
    value = args[0].evaluate(env)
    if not isinstance(value, str) or _as_date(value) is not None:
        return _to_num(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return _to_num(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return (moment - _EPOCH_UTC).total_seconds() / 86_400
    except OverflowError:
        return _NAN


FUNCTIONS: Final[Mapping[str, _Function]] = {
    "not": _Function(1, 1, lambda a, env: not _to_bool(a[0].evaluate(env))),
    "true": _Function(0, 0, lambda a, env: True),
    "false": _Function(0, 0, lambda a, env: False),
    "boolean": _Function(1, 1, lambda a, env: _to_bool(a[0].evaluate(env))),
    "selected": _Function(2, 2, _fn_selected),
    "count-selected": _Function(1, 1, _fn_count_selected),
    "today": _Function(0, 0, lambda a, env: env.today()),
    "if": _Function(3, 3, _fn_if),
    "string": _Function(1, 1, lambda a, env: _to_str(a[0].evaluate(env))),
    "number": _Function(1, 1, lambda a, env: _to_num(a[0].evaluate(env))),
    "int": _Function(1, 1, _fn_int),
    "string-length": _Function(1, 1, lambda a, env: float(len(_to_str(a[0].evaluate(env))))),
    "concat": _Function(1, None, lambda a, env: "".join(_to_str(x.evaluate(env)) for x in a)),
    "coalesce": _Function(2, 2, _fn_coalesce),
    "decimal-date-time": _Function(1, 1, _fn_decimal_date_time),
}
"""The functions a form may call, by XPath name (case-sensitive), with their arity. Beyond the
ones the forms were written with, XPath's `concat()` and `boolean()` are here because
`calculate` rows routinely need them; anything else is an unknown function at compile time."""


# --------------------------------------------------------------------------------------------
# Tokenizer


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number | string | ref | name | op | end
    text: str  # the number's digits, the string's content, the reference's name, the operator
    position: int


# XLSForm names are XML names: a letter or underscore, then letters, digits, '_', '-', '.'.
_REF_NAME = re.compile(r"[^\W\d][\w.\-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# Function and operator names; '-' is a name character in XPath (count-selected).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_TWO_CHAR_OPERATORS: Final = ("!=", "<=", ">=")
_ONE_CHAR_OPERATORS: Final = frozenset("=<>+-*(),.")


def _tokenize(text: str, row: str) -> list[_Token]:
    """Split an expression into tokens, failing on the first character that fits no token."""
    tokens: list[_Token] = []
    position, length = 0, len(text)

    def fail(detail: str, at: int) -> ExpressionError:
        return ExpressionError(detail, row=row, position=at, text=text)

    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char.isdigit() or (
            char == "." and position + 1 < length and text[position + 1].isdigit()
        ):
            match = _NUMBER.match(text, position)
            if match is None:  # a non-ASCII digit, which XPath does not accept
                raise fail(f"carattere non valido {char!r}", position)
            tokens.append(_Token("number", match.group(), position))
            position = match.end()
        elif char == "$":
            if not text.startswith("${", position):
                raise fail("'$' deve iniziare un riferimento ${nome}", position)
            match = _REF_NAME.match(text, position + 2)
            if match is None or not text.startswith("}", match.end()):
                raise fail("riferimento non valido: si scrive ${nome_domanda}", position)
            tokens.append(_Token("ref", match.group(), position))
            position = match.end() + 1
        elif char in "'\"":
            end = text.find(char, position + 1)
            if end < 0:
                raise fail(f"stringa non chiusa: manca {char}", position)
            tokens.append(_Token("string", text[position + 1 : end], position))
            position = end + 1
        elif text.startswith(_TWO_CHAR_OPERATORS, position):
            tokens.append(_Token("op", text[position : position + 2], position))
            position += 2
        elif char in _ONE_CHAR_OPERATORS:
            tokens.append(_Token("op", char, position))
            position += 1
        elif char == "/":
            raise fail("i percorsi XPath (/data/…) non sono ammessi: usa ${nome}", position)
        else:
            match = _NAME.match(text, position)
            if match is None:
                raise fail(f"carattere non valido {char!r}", position)
            tokens.append(_Token("name", match.group(), position))
            position = match.end()
    tokens.append(_Token("end", "", length))
    return tokens


# --------------------------------------------------------------------------------------------
# Parser


def _describe(token: _Token) -> str:
    """A token as a form author would recognise it in an error message."""
    if token.kind == "end":
        return "la fine dell'espressione"
    if token.kind == "string":
        return f"la stringa '{token.text}'"
    if token.kind == "ref":
        return f"${{{token.text}}}"
    return f"'{token.text}'"


class _Parser:
    """Recursive descent with precedence climbing (Pratt) over the token list."""

    def __init__(self, text: str, row: str):
        self.text = text
        self.row = row
        self.tokens = _tokenize(text, row)
        self.index = 0
        self.depth = 0

    def error(self, detail: str, token: _Token) -> ExpressionError:
        return ExpressionError(detail, row=self.row, position=token.position, text=self.text)

    @property
    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def is_op(self, text: str) -> bool:
        return self.peek.kind == "op" and self.peek.text == text

    def parse(self) -> _Node:
        node = self.expression(0)
        token = self.peek
        if token.kind != "end":
            if token.kind == "op" and token.text == ")":
                raise self.error("')' in più, senza '(' corrispondente", token)
            raise self.error(
                f"testo inatteso dopo un'espressione completa: {_describe(token)}", token
            )
        return node

    def infix_operator(self) -> str | None:
        token = self.peek
        if token.kind == "op" and token.text in _PRECEDENCE:
            return token.text
        if token.kind == "name":
            if token.text in _KEYWORD_OPERATORS:
                return token.text
            if token.text.lower() in _KEYWORD_OPERATORS:
                raise self.error(
                    f"operatore '{token.text}' non valido: si scrive in minuscolo "
                    f"('{token.text.lower()}')",
                    token,
                )
        return None

    def expression(self, min_precedence: int) -> _Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.error(
                    f"espressione troppo annidata (al massimo {MAX_DEPTH} livelli)", self.peek
                )
            left = self.prefix()
            while (operator := self.infix_operator()) is not None:
                precedence = _PRECEDENCE[operator]
                if precedence < min_precedence:
                    break
                self.advance()
                right = self.expression(precedence + 1)
                left = _combine(left, operator, right, precedence)
            return left
        finally:
            self.depth -= 1

    def prefix(self) -> _Node:
        token = self.advance()
        if token.kind == "number":
            return _Number(float(token.text))
        if token.kind == "string":
            return _String(token.text)
        if token.kind == "ref":
            return _Reference(token.text)
        if token.kind == "op":
            if token.text == ".":
                return _Current()
            if token.text == "-":
                return _Negate(self.expression(_UNARY_PRECEDENCE))
            if token.text == "(":
                inner = self.expression(0)
                self.expect_close(token)
                return inner
        if token.kind == "name":
            return self.call(token)
        if token.kind == "end":
            raise self.error("espressione incompleta: manca un valore alla fine", token)
        raise self.error(f"atteso un valore, trovato {_describe(token)}", token)

    def expect_close(self, opening: _Token) -> None:
        token = self.peek
        if self.is_op(")"):
            self.advance()
            return
        if token.kind == "end":
            raise self.error(
                f"manca ')' per la parentesi aperta al carattere {opening.position + 1}", token
            )
        raise self.error(f"atteso ')', trovato {_describe(token)}", token)

    def call(self, name: _Token) -> _Node:
        if not self.is_op("("):
            if name.text in _KEYWORD_OPERATORS:
                raise self.error(f"manca il valore prima di '{name.text}'", name)
            raise self.error(
                f"nome '{name.text}' non valido: le domande si citano come ${{{name.text}}}, "
                "le funzioni con le parentesi",
                name,
            )
        function = FUNCTIONS.get(name.text)
        if function is None:
            hint = f" (forse '{name.text.lower()}()'?)" if name.text.lower() in FUNCTIONS else ""
            raise self.error(f"funzione sconosciuta '{name.text}()'{hint}", name)
        opening = self.advance()
        args: list[_Node] = []
        if self.is_op(")"):
            self.advance()
        else:
            while True:
                if self.is_op(",") or self.is_op(")"):
                    raise self.error(f"argomento mancante in {name.text}()", self.peek)
                args.append(self.expression(0))
                if self.is_op(","):
                    self.advance()
                    continue
                if self.peek.kind == "end":
                    raise self.error(
                        f"manca ')' per la chiamata {name.text}( al carattere "
                        f"{opening.position + 1}",
                        self.peek,
                    )
                if not self.is_op(")"):
                    raise self.error(f"atteso ',' o ')', trovato {_describe(self.peek)}", self.peek)
                self.advance()
                break
        count = len(args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise self.error(f"{name.text}() {_arity(function)}, non {count}", name)
        return _Call(name.text, tuple(args))


def _arity(function: _Function) -> str:
    low, high = function.min_args, function.max_args
    if high is None:
        return f"vuole almeno {low} argomenti"
    if low == high:
        return (
            "non vuole argomenti" if low == 0 else f"vuole {low} argoment{'o' if low == 1 else 'i'}"
        )
    return f"vuole da {low} a {high} argomenti"


def _combine(left: _Node, operator: str, right: _Node, precedence: int) -> _Node:
    """Build the node for `left operator right`, extending a flat chain when `left` already is
    one of the same level (always equivalent, since every level is left-associative)."""
    if operator == "or":
        return _Or((*left.operands, right) if isinstance(left, _Or) else (left, right))
    if operator == "and":
        return _And((*left.operands, right) if isinstance(left, _And) else (left, right))
    if isinstance(left, _Chain) and left.level == precedence:
        return _Chain(left.first, (*left.rest, (operator, right)), precedence)
    return _Chain(left, ((operator, right),), precedence)


# --------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression: parse once when the form is loaded, evaluate per submission.

    Immutable, so the compile cache can hand the same object to every request.
    """

    text: str
    row: str
    _root: _Node = field(repr=False, compare=False)
    references: frozenset[str] = field(compare=False)
    """The question names it reads through `${name}`, to check against the form at load time."""

    def evaluate(self, context: EvalContext) -> Value:
        """The expression's value: str, float, bool or date (select_multiple lists come back
        as ODK's space-separated string). Never raises for the answer types `EvalContext` lists:
        every failure mode (division by zero, non-numbers, bad dates) has an XPath value."""
        return _public(self._root.evaluate(_Env(context)))

    def evaluate_bool(self, context: EvalContext) -> bool:
        """The value as an XPath boolean, as `relevant`, `required` and `constraint` use it."""
        return _to_bool(self._root.evaluate(_Env(context)))


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
    root = _Parser(text, row).parse()
    return Expression(text=text, row=row, _root=root, references=frozenset(_references(root)))


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
