"""Sealing: link the events committed since the last seal into the keyed chain.

Writers append events without any lock (scarpette.audit.services). The sealer is the only code
that locks the chain head, in its own short transaction, after the writers' commits: a thread of
each process, woken by every commit that appended events (AUDIT_SEAL_MODE "background"; the test
suite seals in the committing thread instead), and `manage.py audit_seal` (cron, every minute)
for events a process left when it stopped.

Event ids come from a sequence, so they commit out of order and a rolled-back transaction leaves
a gap. The sealer seals every committed id above `sealed_through` and remembers the ranges of ids
below the highest sealed one that it has not seen yet (`holes`, as [first, last, first seen]): a
transaction still running, sealed when it commits, or one that rolled back (or ids the sequence
skipped), forgotten after `AUDIT_HOLE_GRACE_SECONDS`.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone

from scarpette.audit.models import (
    AuditChainHead,
    AuditEvent,
    AuditSeal,
    format_ranges,
    seal_hash,
)

logger = logging.getLogger(__name__)

BATCH = 5000


def seal_pending(*, wait: bool = True, max_batches: int | None = None) -> int | None:
    """Seal what is pending; return how many events were sealed.

    `wait=False` gives up at once when another process holds the head (it is sealing): then
    None, if nothing was sealed."""
    sealed = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        count = _seal_one_batch(wait=wait)
        if count is None:
            return sealed or None
        sealed += count
        batches += 1
        if count < BATCH:
            break
    return sealed


def _seal_one_batch(*, wait: bool) -> int | None:
    """Seal up to BATCH events in one transaction; None if the head is held elsewhere."""
    with transaction.atomic():
        heads = AuditChainHead.objects.filter(pk=1)
        if wait:
            head = heads.select_for_update().first()
        else:
            head = heads.select_for_update(skip_locked=True).first()
        if head is None:
            if AuditChainHead.objects.filter(pk=1).exists():
                return None  # another process is sealing
            AuditChainHead.objects.get_or_create(pk=1)
            head = heads.select_for_update().get()
        now = time.time()
        pending = Q(id__gt=head.sealed_through)
        for start, end, _seen in head.holes:
            pending |= Q(id__gte=start, id__lte=end)
        rows = list(
            AuditEvent.objects.filter(pending).order_by("id").values_list("id", "hash")[:BATCH]
        )
        found = [event_id for event_id, _hash in rows]
        grace = settings.AUDIT_HOLE_GRACE_SECONDS
        holes = [
            [low, high, seen]
            for start, end, seen in head.holes
            if now - seen < grace
            for low, high in missing_ranges(start, end, found)
        ]
        top = max(found, default=head.sealed_through)
        if top > head.sealed_through:
            holes += [
                [low, high, now]
                for low, high in missing_ranges(head.sealed_through + 1, top, found)
            ]
        if not rows and holes == head.holes:
            return 0
        update = {"holes": holes, "sealed_through": max(top, head.sealed_through)}
        if rows:
            seq = head.seal_seq + 1
            link = seal_hash(head.last_hash, seq, rows)
            AuditSeal.objects.create(
                seq=seq,
                at=timezone.now(),
                events=format_ranges([event_id for event_id, _hash in rows]),
                count=len(rows),
                prev_hash=head.last_hash,
                hash=link,
            )
            update.update(seal_seq=seq, last_hash=link)
        AuditChainHead.objects.filter(pk=1).update(**update)
        return len(rows)


def missing_ranges(start: int, end: int, found: list[int]) -> list[tuple[int, int]]:
    """The ranges of ids in [start, end] that are not in `found` (sorted)."""
    ranges = []
    low = start
    for event_id in found:
        if event_id < low:
            continue
        if event_id > end:
            break
        if event_id > low:
            ranges.append((low, event_id - 1))
        low = event_id + 1
    if low <= end:
        ranges.append((low, end))
    return ranges


def _seal_quietly() -> int | None:
    """Seal without waiting; None if another process holds the head. A database error is
    logged and left to the next sealer: it never fails the commit that asked."""
    try:
        return seal_pending(wait=False)
    except DatabaseError:
        logger.warning("audit sealing postponed: the database refused it", exc_info=True)
        return 0


class BackgroundSealer:
    """One daemon thread per process (started after the fork, at the first commit), woken by
    commits: it waits `INTERVAL` to gather the commits of that moment into one seal, and tries
    again while another process holds the head, so no event is left behind."""

    INTERVAL = 0.05

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()
        self._stopping = False

    def request(self) -> None:
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            with self._start_lock:
                if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                    self._wake = threading.Event()
                    self._pid = os.getpid()
                    self._thread = threading.Thread(
                        target=self._run, name="audit-sealer", daemon=True
                    )
                    self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 5) -> None:
        """End the thread after its current seal, closing its connection (tests, shutdown)."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        self._stopping = True
        self._wake.set()
        thread.join(timeout)
        self._thread = None
        self._stopping = False

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping:
                connections.close_all()
                return
            time.sleep(self.INTERVAL)
            self._wake.clear()
            try:
                if _seal_quietly() is None:
                    self._wake.set()  # another process is sealing: look again in a moment
            except Exception:  # the thread must outlive any error; the next wake retries
                logger.exception("audit sealer failed")
            finally:
                close_old_connections()


background = BackgroundSealer()


def seal_after_commit() -> None:
    """Run by `transaction.on_commit` after a commit that appended events (AUDIT_SEAL_MODE)."""
    if settings.AUDIT_SEAL_MODE == "background":
        background.request()
    else:
        _seal_quietly()
