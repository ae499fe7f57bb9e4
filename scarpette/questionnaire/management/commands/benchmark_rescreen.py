"""`python manage.py benchmark_rescreen --cases N`: seed N open percorsi, each with one screening
run made by "older rules", then time `rescreen_open_cases` on them (PostgreSQL, never production).

    SCARPETTE_ENV=demo DATABASE_URL=postgres://postgres@127.0.0.1:5432/scarpette_wt13_bench \\
        python manage.py migrate && python manage.py benchmark_rescreen --cases 500000

The facts are the screening benchmark's synthetic profiles; the old results are those of the
current engine with one status flipped in one run in ten, so about a tenth are "changed".
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from scarpette.accounts.models import Organisation
from scarpette.accounts.testing import make_user
from scarpette.cases.models import Case, new_case_code
from scarpette.questionnaire.models import ScreeningRun
from scarpette.questionnaire.rescreen import rescreen_open_cases
from scarpette.screening.engine import screen
from scarpette.screening.management.commands.screening_benchmark import synthetic_profile

BATCH = 5000


class Command(BaseCommand):
    help = "Seed open percorsi with stale screening runs and time the re-screening."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--centres", type=int, default=400)
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, cases: int, centres: int, batch_size: int, seed: int, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("the benchmark writes synthetic data: refused in production")
        out = self.stdout.write
        out(f"database: {connection.vendor}")
        rng = random.Random(seed)
        today = timezone.localdate()
        started = time.perf_counter()
        stamp = time.time_ns()
        Organisation.objects.bulk_create(
            [Organisation(name=f"Rescreen centre {stamp}-{i}", kind="cav") for i in range(centres)]
        )
        orgs = list(Organisation.objects.filter(name__startswith=f"Rescreen centre {stamp}-"))
        operator = make_user(f"rescreen-{stamp}@example.org", "Bench", "operatrice", orgs[0])
        codes: set[str] = set(Case.objects.values_list("code", flat=True))
        for start in range(0, cases, BATCH):
            rows = []
            for _ in range(min(BATCH, cases - start)):
                code = new_case_code()
                while code in codes:
                    code = new_case_code()
                codes.add(code)
                rows.append(
                    Case(
                        code=code,
                        centre=rng.choice(orgs),
                        status="open",
                        opened_on=today - dt.timedelta(days=rng.randint(0, 1000)),
                        created_by=operator,
                    )
                )
            created = Case.objects.bulk_create(rows)
            runs = []
            for case in created:
                facts = synthetic_profile(rng, today)
                results = screen(facts, today)["results"]
                if rng.random() < 0.1:
                    results[0] = {**results[0], "status": "undetermined_before"}
                runs.append(
                    ScreeningRun(
                        case=case,
                        as_of=today,
                        rules_version="0.9.0",
                        facts_json=json.dumps(facts, ensure_ascii=False),
                        results_json=json.dumps(results, ensure_ascii=False),
                        created_by=operator,
                    )
                )
            ScreeningRun.objects.bulk_create(runs, batch_size=1000)
        out(
            f"seeded {cases:,} open percorsi with stale runs in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        cpu = time.process_time()
        report = rescreen_open_cases(batch_size=batch_size)
        elapsed = time.perf_counter() - started
        out(
            f"rescreen: checked {report.checked:,}, re-screened {report.rescreened:,}, changed "
            f"{report.changed:,} in {elapsed:.1f} s (cpu of this process {time.process_time() - cpu:.1f} s, "
            f"{report.rescreened / elapsed:,.0f} percorsi/s)"
        )
        started = time.perf_counter()
        again = rescreen_open_cases(batch_size=batch_size)
        out(
            f"second run (nothing to do): checked {again.checked:,}, re-screened "
            f"{again.rescreened} in {time.perf_counter() - started:.1f} s"
        )
