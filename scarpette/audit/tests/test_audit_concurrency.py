"""Appending to the audit log takes no global lock (PostgreSQL, real concurrent transactions),
and every event is sealed exactly once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction

from scarpette.audit.models import AuditEvent, AuditSeal, parse_ranges
from scarpette.audit.sealing import background, seal_pending
from scarpette.audit.services import audit_log
from scarpette.audit.verify import verify_chain

pytestmark = [
    pytest.mark.postgres_only(reason="concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def sealed_ids() -> list[int]:
    return sorted(
        i for text in AuditSeal.objects.values_list("events", flat=True) for i in parse_ranges(text)
    )


def test_a_writer_holding_its_transaction_open_does_not_block_another():
    # With the old chain head, B waited for A's commit: its event could not be appended.
    appended = threading.Event()
    release = threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                audit_log(actor=None, action="test.event", detail={"who": "a"})
                appended.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert appended.wait(10)
        began = time.monotonic()
        with transaction.atomic():
            b = audit_log(actor=None, action="test.event", detail={"who": "b"})
        assert time.monotonic() - began < 2
        assert AuditEvent.objects.filter(pk=b.pk).exists()
    finally:
        release.set()
        thread.join()
    seal_pending()
    assert len(sealed_ids()) == 2
    result = verify_chain()
    assert result.ok, result.problems


def test_many_concurrent_writers_every_event_sealed_once():
    def writer(index: int) -> list[int]:
        ids = []
        try:
            for n in range(15):
                with transaction.atomic():
                    ids.append(
                        audit_log(actor=None, action="test.event", detail={"w": index, "n": n}).id
                    )
        finally:
            connections.close_all()
        return ids

    with ThreadPoolExecutor(max_workers=20) as pool:
        written = sorted(i for ids in pool.map(writer, range(20)) for i in ids)
    seal_pending()
    assert len(written) == 300
    assert sealed_ids() == written  # each exactly once, none missing
    result = verify_chain()
    assert result.ok, result.problems
    assert (result.checked, result.pending) == (300, 0)


def test_the_background_sealer_seals_a_moment_after_the_commit(settings):
    settings.AUDIT_SEAL_MODE = "background"
    try:
        with transaction.atomic():
            event = audit_log(actor=None, action="test.event")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and event.id not in sealed_ids():
            time.sleep(0.05)
        assert event.id in sealed_ids()
    finally:
        background.stop()
