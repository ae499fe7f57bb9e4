"""Reads are audited in one place.

Fetching an object that holds a woman's data goes through a fetch-and-authorise helper (for the
percorso and what hangs from it: `scarpette.cases.access.get_visible_or_404`), which notes the
read here. After the view has answered, `ReadAuditMiddleware` writes one event per object read,
but only when the page was actually shown (a GET or HEAD answered 200): a form sent back with
errors, a redirect or a refusal is not a read, and a change is audited by its service.

A view names what a read on its page means with `@read_action("...")` (for example "consulted
the access log"); otherwise the helper's default ("consulted the percorso") is used. So a new view
can forget neither: it cannot reach the object without the helper, and the helper cannot fetch
without the read being logged.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

from scarpette.audit.services import audit_log


@dataclass(frozen=True)
class Read:
    action: str
    object_type: str
    object_id: str
    organisation_id: int | None
    detail: tuple = field(default_factory=tuple)  # (key, value) pairs, hashable


_pending: contextvars.ContextVar[list[Read] | None] = contextvars.ContextVar(
    "scarpette_reads", default=None
)


def read_action(action: str):
    """Name the audit action of the reads this view shows (default: the fetch helper's)."""

    def decorator(view):
        view.audit_read_action = action
        return view

    return decorator


def note_read(
    *, action: str, object_type: str, object_id: str, organisation_id, detail: dict | None = None
) -> None:
    """Remember that the current request read this object (no-op outside a request: commands
    and services audit what they do themselves)."""
    pending = _pending.get()
    if pending is None:
        return
    read = Read(action, object_type, object_id, organisation_id, tuple((detail or {}).items()))
    if read not in pending:
        pending.append(read)


class ReadAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending.set([])
        try:
            response = self.get_response(request)
            reads = _pending.get()
        finally:
            _pending.reset(token)
        if reads and request.method in ("GET", "HEAD") and response.status_code == 200:
            match = getattr(request, "resolver_match", None)
            declared = getattr(match.func, "audit_read_action", "") if match else ""
            for read in reads:
                audit_log(
                    actor=request.user,
                    action=declared or read.action,
                    object_type=read.object_type,
                    object_id=read.object_id,
                    organisation_id=read.organisation_id,
                    detail=dict(read.detail),
                )
        return response
