"""One global lock order: rows first, the audit chain head last (scarpette.core.locking)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

from scarpette.accounts.models import User
from scarpette.audit.services import audit_log
from scarpette.core.locking import LockOrderError, audit_head_held, lock


def test_a_row_lock_after_the_audit_event_is_refused(personas):
    with pytest.raises(LockOrderError, match="accounts.User"), transaction.atomic():
        audit_log(actor=personas.admin, action="test.event")
        lock(User.objects.filter(pk=personas.operator_a.pk)).get()


def test_the_audit_event_after_the_row_locks_is_the_order(personas):
    with transaction.atomic():
        lock(User.objects.filter(pk=personas.operator_a.pk)).get()
        assert not audit_head_held()
        audit_log(actor=personas.admin, action="test.event")
        assert audit_head_held()


def test_the_head_is_released_with_its_transaction(personas):
    with transaction.atomic():
        audit_log(actor=personas.admin, action="test.event")
    with transaction.atomic():
        assert not audit_head_held()
        lock(User.objects.filter(pk=personas.operator_a.pk)).get()


def test_a_rolled_back_savepoint_releases_the_head(personas):
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit_log(actor=personas.admin, action="test.event")
                raise RuntimeError
        except RuntimeError:
            pass
        assert not audit_head_held()
        lock(User.objects.filter(pk=personas.operator_a.pk)).get()


def test_every_row_lock_goes_through_the_one_helper():
    """A bare select_for_update would escape the order check and lock joined rows."""
    root = Path(__file__).resolve().parents[2]
    # Reviewed exceptions: the audit head itself, and SKIP LOCKED sweeps (outbox delivery,
    # expired tablet-attempt rows), which never wait.
    allowed = {
        "core/locking.py",
        "audit/services.py",
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
