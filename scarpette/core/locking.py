"""Row locks, taken one way by every service, in one global order.

The order (docs/architecture.md, "Locks"): the percorso first, then the rows that belong to it
(questionnaire session, transmission, consultation, application, deadline), then other single
rows (an account, a form version) on their own. Writing an audit event takes no lock at all
(scarpette.audit.services appends with a sequence id); only the audit sealer locks the chain head,
in a transaction of its own after the writers' commits, so it is never part of a service's order.

Two rules keep PostgreSQL from deadlocking under many centres at once:
- lock only the rows you mean: `FOR NO KEY UPDATE OF <the model's table>`, never the rows a
  `select_related` joins (a join would lock, say, the one published form version that every
  session in the country refers to);
- `NO KEY UPDATE` rather than `UPDATE`: inserting a row that refers to a locked row (a note on a
  locked percorso) needs only a key-share lock at commit, which `NO KEY UPDATE` does not block.
"""

from __future__ import annotations

from django.db.models import QuerySet


def lock(queryset: QuerySet) -> QuerySet:
    """`queryset` locked for update, its own rows only."""
    return queryset.select_for_update(of=("self",), no_key=True)
