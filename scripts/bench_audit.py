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


def _append_for(writers: int, seconds: float, start, offset: int = 0):
    """`writers` threads appending for `seconds` once `start` (a barrier) opens: their latencies
    (seconds) and error count."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(writers)]
    errors = [0] * writers

    def writer(index: int) -> None:
        try:
            start.wait()
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
    start.wait()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return [x for row in latencies for x in row], sum(errors)


def _child(writers, seconds, start, results, offset):
    connections.close_all()  # the parent's connection is not this process's
    results.put(_append_for(writers, seconds, start, offset))


def run(writers: int, seconds: float, processes: int = 1) -> dict:
    """N writers as threads of one process (`processes=1`), or shared among processes as the
    web server's workers are (each its own interpreter, so no lock of Python's between them)."""
    first_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    processes = max(1, min(processes, writers))
    if processes == 1:
        start = threading.Barrier(writers + 2)  # the writers, their runner and this thread
        holder: list = []
        runner = threading.Thread(
            target=lambda: holder.append(_append_for(writers, seconds, start))
        )
        runner.start()
        start.wait()
        began = time.perf_counter()
        runner.join()
        elapsed = time.perf_counter() - began
        latencies, errors = holder[0]
    else:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        start = context.Barrier(processes + 1)
        results = context.Queue()
        shares = [writers // processes + (i < writers % processes) for i in range(processes)]
        connections.close_all()
        children = [
            context.Process(target=_child, args=(n, seconds, _Barrier(start, n), results, i))
            for i, n in enumerate(shares)
        ]
        for child in children:
            child.start()
        start.wait()
        began = time.perf_counter()
        collected = [results.get() for _ in children]
        elapsed = time.perf_counter() - began
        for child in children:
            child.join()
        latencies = [x for rows, _ in collected for x in rows]
        errors = sum(e for _, e in collected)
    all_latencies = sorted(latencies)
    count = len(all_latencies)
    result = {
        "writers": writers,
        "appends": count,
        "per_second": count / elapsed,
        "p50_ms": 1000 * statistics.median(all_latencies) if count else 0,
        "p95_ms": 1000 * all_latencies[int(0.95 * (count - 1))] if count else 0,
        "errors": errors,
        "processes": processes,
    }
    result.update(seal_delay(first_id))
    return result


class _Barrier:
    """A process's side of the start: its threads wait on a thread barrier, whose last arrival
    (the process's own runner) waits on the processes' barrier."""

    def __init__(self, shared, threads: int):
        self.shared, self.threads, self.local = shared, threads, None

    def wait(self):
        if self.local is None:
            self.local = threading.Barrier(self.threads + 1, action=self.shared.wait)
        self.local.wait()


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
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="share the writers among this many processes, as gunicorn's workers (default 1)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("set DATABASE_URL to a PostgreSQL database")
    for writers in (int(x) for x in args.writers.split(",")):
        result = run(writers, args.seconds, args.processes)
        print(
            " ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
