"""Audit appends per second with N concurrent writers, on the configured database (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scarpette_bench \
        .venv/bin/python scripts/bench_audit.py --writers 1,8,50 --seconds 10

Each writer is a thread with its own connection that appends one event per transaction, as a
request does (and, since the sealed chain, seals after its commit). Prints appends per second,
p50/p95 of one append's transaction, and, where seals exist, the time from an event to its seal.
The database must be migrated (`manage.py migrate`); the events written stay in the log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SCARPETTE_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("AUDIT_SEAL_MODE", "background")  # as in production

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from scarpette.audit.actions import known, register  # noqa: E402
from scarpette.audit.models import AuditEvent  # noqa: E402
from scarpette.audit.services import audit_log  # noqa: E402

if "bench.event" not in known():
    register({"bench.event": "Evento di prova del banco di misura"})


def run(writers: int, seconds: float) -> dict:
    start_barrier = threading.Barrier(writers + 1)
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(writers)]
    errors = [0] * writers

    def writer(index: int) -> None:
        try:
            start_barrier.wait()
            while not stop.is_set():
                began = time.perf_counter()
                try:
                    with transaction.atomic():
                        audit_log(actor=None, action="bench.event", detail={"w": index})
                except Exception as exc:  # noqa: BLE001 (counted and reported)
                    if not errors[index]:
                        print(f"writer {index}: {exc!r}", file=sys.stderr)
                    errors[index] += 1
                    continue
                latencies[index].append(time.perf_counter() - began)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    first_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    start_barrier.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    all_latencies = sorted(x for row in latencies for x in row)
    count = len(all_latencies)
    result = {
        "writers": writers,
        "appends": count,
        "per_second": count / elapsed,
        "p50_ms": 1000 * statistics.median(all_latencies) if count else 0,
        "p95_ms": 1000 * all_latencies[int(0.95 * (count - 1))] if count else 0,
        "errors": sum(errors),
    }
    result.update(seal_delay(first_id))
    return result


def seal_delay(first_id: int) -> dict:
    try:
        from scarpette.audit.models import AuditSeal, parse_ranges
        from scarpette.audit.sealing import seal_pending
    except ImportError:
        return {}
    from scarpette.audit.models import AuditChainHead

    head = AuditChainHead.objects.get(pk=1)
    unsealed_at_end = AuditEvent.objects.filter(id__gt=head.sealed_through).count()
    seal_pending()
    at = dict(AuditEvent.objects.filter(id__gt=first_id).values_list("id", "at"))
    delays = []
    for seal in AuditSeal.objects.filter(seq__gt=head.seal_seq - 100000).iterator():
        for event_id in parse_ranges(seal.events):
            if event_id in at:
                delays.append((seal.at - at[event_id]).total_seconds())
    delays.sort()
    if not delays:
        return {}
    return {
        "seal_p50_ms": 1000 * statistics.median(delays),
        "seal_p95_ms": 1000 * delays[int(0.95 * (len(delays) - 1))],
        "unsealed_at_end": unsealed_at_end,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,8,50")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("set DATABASE_URL to a PostgreSQL database")
    for writers in (int(x) for x in args.writers.split(",")):
        result = run(writers, args.seconds)
        print(
            " ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
