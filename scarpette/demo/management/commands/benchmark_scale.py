"""Benchmark at national scale: percorsi list, dashboard and audit log on a large database.

Fills the configured database (never production) with synthetic centres, percorsi and audit
events, then times what a user does. Prints figures; asserts nothing (targets live here, not in
timed unit tests). Example:

    SCARPETTE_ENV=demo DATABASE_URL=postgres://postgres@127.0.0.1:5432/scarpette_bench \
        python manage.py migrate && python manage.py benchmark_scale --cases 500000
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scarpette.accounts.models import Organisation
from scarpette.accounts.testing import make_user
from scarpette.audit.models import AuditEvent
from scarpette.audit.sealing import seal_pending
from scarpette.audit.services import append_events, audit_log
from scarpette.audit.verify import verify_chain
from scarpette.cases.models import Case, new_case_code

BATCH = 5000


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic data at scale and time the main pages and the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--centres", type=int, default=400)
        parser.add_argument("--audit", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, cases: int, centres: int, audit: int, seed: int, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("the benchmark writes synthetic data: refused in production")
        rng = random.Random(seed)
        out = self.stdout.write
        out(f"database: {connection.vendor}")

        started = time.perf_counter()
        orgs = self._centres(centres)
        operator = make_user(
            f"bench-{seed}-{time.time_ns()}@example.org", "Bench Operatrice", "operatrice", orgs[0]
        )
        self._cases(orgs, operator, cases, rng)
        out(
            f"created {cases:,} percorsi in {centres} centres in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        self._audit(orgs, operator, audit, rng)
        out(f"appended {audit:,} audit events in {time.perf_counter() - started:.1f} s")

        client = Client()
        client.force_login(operator)
        mine = Case.objects.filter(centre=orgs[0]).count()
        for label, url in [
            ("percorsi list, page 1", "/percorsi/"),
            ("percorsi list, last page", "/percorsi/?page=9999"),
            ("percorsi search by code", "/percorsi/?q=AB"),
            # The columns' filters (cases.listing): subqueries per percorso of her centre.
            ("percorsi, not started", "/percorsi/?questionario=not_started"),
            ("percorsi, INPS + deadline", "/percorsi/?inps=none&scadenza=7"),
            ("dashboard", "/"),
        ]:
            timings = []
            for _ in range(10):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            out(
                f"{label:<28} median {statistics.median(timings):7.1f} ms   "
                f"p90 {sorted(timings)[8]:7.1f} ms   {len(queries)} queries   "
                f"({mine:,} percorsi in her centre)"
            )

        t0 = time.perf_counter()
        for _ in range(1000):
            audit_log(actor=operator, action="bench.event", organisation_id=orgs[0].pk)
        per_second = 1000 / (time.perf_counter() - t0)
        out(f"audit_log appends (one transaction each): {per_second:,.0f} events/s")

        seal_pending()
        t0 = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - t0
        out(
            f"audit_verify: {result.checked:,} events in {elapsed:.1f} s "
            f"({result.checked / elapsed:,.0f} events/s), intact={result.ok}"
        )

    def _centres(self, count: int) -> list[Organisation]:
        stamp = time.time_ns()
        Organisation.objects.bulk_create(
            [Organisation(name=f"Bench centre {stamp}-{i}", kind="cav") for i in range(count)]
        )
        return list(Organisation.objects.filter(name__startswith=f"Bench centre {stamp}-"))

    def _cases(self, orgs, operator, count: int, rng: random.Random) -> None:
        today = timezone.localdate()
        codes: set[str] = set(Case.objects.values_list("code", flat=True))
        for start in range(0, count, BATCH):
            rows = []
            for code in new_codes(min(BATCH, count - start), codes):
                status = rng.choice(["open", "open", "open", "suspended", "closed"])
                opened = today - dt.timedelta(days=rng.randint(0, 3650))
                rows.append(
                    Case(
                        code=code,
                        centre=rng.choice(orgs),
                        status=status,
                        opened_on=opened,
                        closed_on=opened if status == "closed" else None,
                        created_by=operator,
                    )
                )
            Case.objects.bulk_create(rows)

    def _audit(self, orgs, operator, count: int, rng: random.Random) -> None:
        fill_audit(orgs, operator, count, rng)


def new_codes(count: int, taken: set[str]) -> list[str]:
    """`count` new percorso codes, none in `taken` (which they are added to)."""
    codes = []
    for _ in range(count):
        code = new_case_code()
        while code in taken:
            code = new_case_code()
        taken.add(code)
        codes.append(code)
    return codes


@transaction.atomic
def fill_audit(orgs, operator, count: int, rng: random.Random) -> None:
    """`count` synthetic audit events, appended in batches (sealed after the commit)."""
    now = timezone.now()
    for start in range(0, count, BATCH):
        append_events(
            [
                AuditEvent(
                    at=now,
                    actor_id=operator.pk,
                    actor_label=operator.email,
                    actor_role="operatrice",
                    action="cases.case.viewed",
                    outcome="ok",
                    object_type="cases.case",
                    object_id=str(start + offset),
                    organisation_id=rng.choice(orgs).pk,
                    ip="127.0.0.1",
                    user_agent="bench",
                    request_id="",
                    detail={},
                )
                for offset in range(min(BATCH, count - start))
            ]
        )
