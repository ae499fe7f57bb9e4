"""The evaluator's values and XPath's conversions between them (string, number, boolean),
with dates as the one deliberate extension."""

from __future__ import annotations

import math
import numbers
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

Value = str | float | bool | date
"""What `Expression.evaluate` returns: XPath's string, number and boolean, plus dates."""

# Internally a select_multiple answer stays a tuple of choice names until something needs it as
# a string, so `selected()` and `count-selected()` never have to re-split it.
InternalValue = str | float | bool | date | tuple[str, ...]

_EPOCH: Final = date(1970, 1, 1)
EPOCH_UTC: Final = datetime(1970, 1, 1, tzinfo=UTC)
NAN: Final = math.nan


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_XPATH_NUMBER = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")


def normalize(raw: Any) -> InternalValue:
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
            return NAN
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, list | tuple | set | frozenset):
        items = [to_str(normalize(item)).strip() for item in raw]
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


def as_date(value: InternalValue) -> date | None:
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


def to_str(value: InternalValue) -> str:
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


def to_num(value: InternalValue) -> float:
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
    return NAN


def to_bool(value: InternalValue) -> bool:
    """XPath boolean(): non-empty strings and non-zero, non-NaN numbers are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    if isinstance(value, date):
        return True
    return len(value) > 0


def public_value(value: InternalValue) -> Value:
    """What callers see: a select_multiple tuple goes back to ODK's space-separated string."""
    return " ".join(value) if isinstance(value, tuple) else value


def to_string(value: Any) -> str:
    """XPath string() of any answer or result, e.g. to store a `calculate` result as text."""
    return to_str(normalize(value))


def to_number(value: Any) -> float:
    """XPath number() of any answer or result (NaN when it is not a number)."""
    return to_num(normalize(value))


def to_boolean(value: Any) -> bool:
    """XPath boolean() of any answer or result."""
    return to_bool(normalize(value))
