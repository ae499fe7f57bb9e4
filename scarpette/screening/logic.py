"""Three-valued (Kleene) logic that remembers *why* a value is unknown.

A `Tri` is True, False or None (undetermined). An undetermined value carries the facts whose answer
would decide it (`missing`) and, when the law itself leaves the case open, a plain-Italian `note`
(then `missing` may be empty). Kleene's rules make unknowns matter only when they can change the
outcome: `all_of` is False as soon as one operand is False, whatever the unknowns; `any_of` is True
as soon as one operand is True. Because every operation is monotone, turning a known fact into an
unknown can move a result to "undetermined" but never from eligible to not eligible or back — the
property the tests check with hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_EMPTY: tuple[str, ...] = ()


class Tri:
    """A three-valued truth value. Immutable by convention; the two constants are shared."""

    __slots__ = ("value", "missing", "notes")

    def __init__(
        self,
        value: bool | None,
        missing: tuple[str, ...] = _EMPTY,
        notes: tuple[str, ...] = _EMPTY,
    ) -> None:
        self.value = value
        self.missing = missing
        self.notes = notes

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Tri({self.value!r}, missing={self.missing!r}, notes={self.notes!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Tri)
            and self.value == other.value
            and set(self.missing) == set(other.missing)
        )

    __hash__ = None  # type: ignore[assignment]


TRUE = Tri(True)
FALSE = Tri(False)

_unknown_cache: dict[str, Tri] = {}


def unknown(fact: str) -> Tri:
    """Undetermined because `fact` is not known (one shared object per fact name)."""
    tri = _unknown_cache.get(fact)
    if tri is None:
        tri = _unknown_cache[fact] = Tri(None, (fact,))
    return tri


def unknown_of(*facts: str) -> Tri:
    """Undetermined because any of `facts` could decide it."""
    return Tri(None, tuple(facts))


def open_case(note: str, missing: tuple[str, ...] = _EMPTY) -> Tri:
    """Undetermined because the law (or conflicting data) leaves the case open; `note` says why."""
    return Tri(None, missing, (note,))


def of(value: bool) -> Tri:
    return TRUE if value else FALSE


def all_of(*operands: Tri) -> Tri:
    """Kleene AND: False if any is False; else undetermined if any is; else True."""
    missing: tuple[str, ...] = _EMPTY
    notes: tuple[str, ...] = _EMPTY
    pending = False
    for tri in operands:
        value = tri.value
        if value is False:
            return FALSE
        if value is None:
            pending = True
            missing += tri.missing
            notes += tri.notes
    return Tri(None, missing, notes) if pending else TRUE


def any_of(*operands: Tri) -> Tri:
    """Kleene OR: True if any is True; else undetermined if any is; else False."""
    missing: tuple[str, ...] = _EMPTY
    notes: tuple[str, ...] = _EMPTY
    pending = False
    for tri in operands:
        value = tri.value
        if value is True:
            return TRUE
        if value is None:
            pending = True
            missing += tri.missing
            notes += tri.notes
    return Tri(None, missing, notes) if pending else FALSE


def not_(tri: Tri) -> Tri:
    """Kleene NOT: swaps True and False, keeps an undetermined value (and its reasons) as is."""
    if tri.value is None:
        return tri
    return FALSE if tri.value else TRUE


def any_each(items: Iterable[Any], test: Callable[[Any], Tri]) -> Tri:
    """Kleene OR over a collection (False for an empty one)."""
    return any_of(*(test(item) for item in items))


def fact_is(facts: dict[str, Any], name: str, expected: Any = True) -> Tri:
    """`facts[name] == expected`, undetermined when the fact is unknown."""
    value = facts.get(name)
    if value is None:
        return unknown(name)
    return TRUE if value == expected else FALSE


def fact_in(facts: dict[str, Any], name: str, allowed: frozenset[Any]) -> Tri:
    """`facts[name] in allowed`, undetermined when the fact is unknown."""
    value = facts.get(name)
    if value is None:
        return unknown(name)
    return TRUE if value in allowed else FALSE


def fact_test(facts: dict[str, Any], name: str, test: Callable[[Any], bool]) -> Tri:
    """`test(facts[name])`, undetermined when the fact is unknown."""
    value = facts.get(name)
    if value is None:
        return unknown(name)
    return TRUE if test(value) else FALSE
