"""Composed pages: each app contributes its own panels to the pages that gather many apps.

Two pages show the work of several apps: the dashboard (`DASHBOARD`, one per role) and the
percorso page (`CASE`, with `CASE_ACTIONS` for its row of buttons). Neither knows the apps that
fill it: an app registers its panels from its `AppConfig.ready()`:

    from scarpette.core import panels

    panels.register(
        panels.DASHBOARD,
        key="referrals.inbox",
        order=30,
        template="referrals/panels/dashboard_inbox.html",
        context=inbox_panel_context,  # (request, **page) -> dict | None
    )

`context` receives the request and the page's own objects (the percorso page passes `case`) and
returns the panel's template context, or None when the panel has nothing to show to this user
(no permission, another role). It only reads: a page view never writes rows (apart from the audit
event of the read), so a panel must not either. Panels are rendered in `order`, then `key`.

Adding a capability's panel therefore touches only that capability's app, never `core` or
`cases`; and this module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DASHBOARD = "dashboard"
CASE = "case"
CASE_ACTIONS = "case_actions"
SLOTS = (DASHBOARD, CASE, CASE_ACTIONS)

ContextFn = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: ContextFn
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    """One panel ready for `{% include panel.template with panel=panel %}`."""

    key: str
    template: str
    data: dict[str, Any]


_registry: dict[str, dict[str, Panel]] = {slot: {} for slot in SLOTS}


def register(slot: str, *, key: str, template: str, context: ContextFn, order: int = 100) -> None:
    """Add (or replace, by key: `ready()` may run twice in tests) a panel of a composed page."""
    if slot not in _registry:
        raise ValueError(f"unknown page slot {slot!r}; slots: {', '.join(SLOTS)}")
    _registry[slot][key] = Panel(key=key, template=template, context=context, order=order)


def registered(slot: str) -> list[Panel]:
    return sorted(_registry[slot].values(), key=lambda p: (p.order, p.key))


def panels_for(request, slot: str, **page: Any) -> list[RenderedPanel]:
    """The panels of `slot` this user sees, in order, each with its context computed once."""
    shown = []
    for panel in registered(slot):
        data = panel.context(request, **page)
        if data is not None:
            shown.append(RenderedPanel(key=panel.key, template=panel.template, data=data))
    return shown


# --- The work queue ------------------------------------------------------------------------------
# What waits for her, oldest first, on the dashboard. Each app contributes its own queues (one
# DASHBOARD panel rendering `core/panels/queues.html` with `{"queues": [Queue, ...]}`), each read
# with one bounded, indexed query: the oldest QUEUE_LIMIT rows, and a link to the full list when
# there are more (the selector fetches QUEUE_LIMIT + 1 rows to know).

QUEUE_LIMIT = 20


@dataclass(frozen=True)
class QueueRow:
    """One thing to do: the percorso's code, what it is, how long it has waited (or when it is
    due, in words), and the one link that acts on it."""

    code: str
    what: str
    when: str
    url: str
    action: str
    late: bool = False


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    rows: list[QueueRow]
    empty: str  # the empty state: what to do next
    more_url: str = ""  # the full list, shown when there are more rows than QUEUE_LIMIT
    more_label: str = ""


def queue(
    *, key: str, title: str, rows, empty: str, more_url: str = "", more_label: str = ""
) -> Queue:
    """A queue from at most QUEUE_LIMIT + 1 rows (the extra one only says there are more)."""
    rows = list(rows)
    more = len(rows) > QUEUE_LIMIT
    return Queue(
        key=key,
        title=title,
        rows=rows[:QUEUE_LIMIT],
        empty=empty,
        more_url=more_url if more else "",
        more_label=more_label if more else "",
    )
