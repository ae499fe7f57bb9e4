"""One global lock order for rows (scarpette.core.locking); the audit log takes no lock."""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from scarpette.accounts.models import User
from scarpette.audit.models import AuditSeal, parse_ranges
from scarpette.audit.services import audit_log
from scarpette.core.locking import lock


def test_an_audit_event_takes_no_lock_so_rows_may_be_locked_after_it(personas):
    # Appending holds nothing: the head is locked only by the sealer, after the commit.
    with transaction.atomic():
        audit_log(actor=personas.admin, action="test.event")
        assert lock(User.objects.filter(pk=personas.operator_a.pk)).get() == personas.operator_a
        assert not AuditSeal.objects.exists()


def test_the_events_are_sealed_after_their_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = audit_log(actor=personas.admin, action="test.event")
        second = audit_log(actor=personas.admin, action="test.event")
    (seal,) = AuditSeal.objects.all()
    assert parse_ranges(seal.events) == [first.id, second.id]


def test_a_rolled_back_event_is_never_sealed(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        try:
            with transaction.atomic():
                audit_log(actor=personas.admin, action="test.event")
                raise RuntimeError
        except RuntimeError:
            pass
    assert hooks == []
    assert not AuditSeal.objects.exists()


def test_every_row_lock_goes_through_the_one_helper():
    """A bare select_for_update would escape the order check and lock joined rows."""
    root = Path(__file__).resolve().parents[2]
    # Reviewed exceptions: the audit head, locked by the sealer alone in its own transaction,
    # and SKIP LOCKED sweeps (outbox delivery, expired tablet-attempt rows), which never wait.
    allowed = {
        "core/locking.py",
        "audit/sealing.py",
        "notifications/delivery.py",
        "questionnaire/throttle.py",
    }
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and str(path.relative_to(root)) not in allowed
        and "management/commands/benchmark" not in str(path)
        and re.search(r"\.select_for_update\(", path.read_text())
    ]
    assert offenders == []
