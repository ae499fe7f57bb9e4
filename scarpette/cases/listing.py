"""Columns and filters that the later apps add to the percorsi list, without cases importing them.

The operator's list of percorsi shows, per row, what other apps know of it: the questionnaire's
state (questionnaire), the state at INPS (referrals), the next legal deadline (applications).
Each app registers one `ListColumn` from its `AppConfig.ready()` (through its `panels.register`):

    from scarpette.cases import listing

    listing.register(
        listing.ListColumn(
            key="inps",                      # also the GET parameter of its filter
            order=20,
            header=_("Stato INPS"),
            annotate=annotate_inps_state,    # (qs) -> qs: adds what `cell` reads (a Subquery)
            cell=inps_cell,                  # (case, today) -> Cell: words, never a query
            filter_label=_("Stato INPS"),
            filter_choices=[...],            # [(value, label)], "" (all) is added by the form
            apply_filter=filter_inps_state,  # (qs, value, today) -> qs
        )
    )

Constant query count: `annotate` adds subqueries to the list's one query (no query per row) and
`cell` reads only those annotations. The list is always scoped first (`Case.objects.visible_to`),
so every subquery runs for the rows of one centre, on the per-percorso indexes of its table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Cell:
    text: str
    late: bool = False  # shown as a warning (a deadline past)


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: Any
    annotate: Callable[[QuerySet], QuerySet]
    cell: Callable[[Any, date], Cell]
    order: int = 100
    filter_label: Any = ""
    filter_choices: list[tuple[str, Any]] = field(default_factory=list)
    apply_filter: Callable[[QuerySet, str, date], QuerySet] | None = None


_columns: dict[str, ListColumn] = {}


def register(column: ListColumn) -> None:
    """Add (or replace, by key: `ready()` may run twice in tests) a column of the percorsi list."""
    _columns[column.key] = column


def columns() -> list[ListColumn]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.key))


def annotate(qs: QuerySet) -> QuerySet:
    for column in columns():
        qs = column.annotate(qs)
    return qs


def apply_filters(qs: QuerySet, filters: dict[str, str], today: date) -> QuerySet:
    """The registered filters whose value is one of their choices (anything else is ignored)."""
    for column in columns():
        value = filters.get(column.key) or ""
        allowed = {choice for choice, _label in column.filter_choices}
        if column.apply_filter is not None and value in allowed:
            qs = column.apply_filter(qs, value, today)
    return qs


def cells(case, today: date) -> list[Cell]:
    return [column.cell(case, today) for column in columns()]
