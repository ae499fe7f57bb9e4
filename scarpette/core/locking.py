"""Row locks, taken one way by every service, in one global order.

The order (docs/architecture.md, "Locks"): the percorso first, then the rows that belong to it
(questionnaire session, transmission, consultation, application, deadline), other single rows
(an account, a form version) on their own, and the audit chain head always last — `audit_log`
takes it, so a service writes its audit event after every lock it needs.

Two rules keep PostgreSQL from deadlocking under many centres at once:
- lock only the rows you mean: `FOR NO KEY UPDATE OF <the model's table>`, never the rows a
  `select_related` joins (a join would lock, say, the one published form version that every
  session in the country refers to);
- `NO KEY UPDATE` rather than `UPDATE`: inserting a row that refers to a locked row (a note on a
  locked percorso) needs only a key-share lock at commit, which `NO KEY UPDATE` does not block.

`lock()` refuses to lock a row once the audit head is held in the same transaction: that order
is the one that deadlocks, and the error points at the service to reorder.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django.db.models import QuerySet


class LockOrderError(RuntimeError):
    """A row lock requested after the audit chain head in one transaction."""


def _transaction_marker() -> str | None:
    """The savepoint of the outermost atomic block the application opened, or None when that
    block is the database transaction itself (always, outside tests). A test case wraps each
    test in blocks of its own that never commit; the application's transactions are savepoints
    inside them, and a new one gets a new savepoint id."""
    blocks = connection.atomic_blocks
    depth = 0
    while depth < len(blocks) and getattr(blocks[depth], "_from_testcase", False):
        depth += 1
    if depth == 0:
        return None
    if depth >= len(blocks):
        return ""  # only the test's own blocks are open: no application transaction
    return connection.savepoint_ids[depth - 1] or ""


# Django gives the connection a new `run_on_commit` list at every commit and rollback (and at a
# savepoint's rollback): holding a reference to the list current when the head was locked tells
# whether we are still in that transaction, without registering anything.
_HEAD = "_scarpette_audit_head"
_SUSPENDED = "_scarpette_single_writer"


def audit_head_held() -> bool:
    if not connection.in_atomic_block:
        return False
    held = getattr(connection, _HEAD, None)
    if held is None:
        return False
    hooks, marker = held
    return hooks is connection.run_on_commit and marker == _transaction_marker() != ""


def note_audit_head_locked() -> None:
    """Called by the audit log right after it locks the chain head."""
    if connection.in_atomic_block and not audit_head_held():
        setattr(connection, _HEAD, (connection.run_on_commit, _transaction_marker()))


@contextmanager
def single_writer():
    """Suspend the order check for a batch that runs as the only writer, in one transaction
    that holds the audit head from its first event (the demo loader): nobody else waits on it,
    so it cannot deadlock. Never for code reached by requests or workers."""
    previous = getattr(connection, _SUSPENDED, False)
    setattr(connection, _SUSPENDED, True)
    try:
        yield
    finally:
        setattr(connection, _SUSPENDED, previous)


def lock(queryset: QuerySet) -> QuerySet:
    """`queryset` locked for update, its own rows only, in the global order."""
    if audit_head_held() and not getattr(connection, _SUSPENDED, False):
        raise LockOrderError(
            "a row lock after the audit head: write the audit event after every lock "
            f"({queryset.model._meta.label})"
        )
    return queryset.select_for_update(of=("self",), no_key=True)
