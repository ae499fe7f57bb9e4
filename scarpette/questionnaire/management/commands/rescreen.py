"""`python manage.py rescreen [--workers N]`: re-screen the open percorsi after a rules change.

With `--workers N` the percorsi are shared out by id modulo N among N processes (each with its own
database connection); the screening is pure Python, so on a machine with several cores this is
what brings a national re-screening down to minutes (docs/performance.md).
"""

import multiprocessing

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from scarpette.audit.sealing import seal_pending
from scarpette.questionnaire.rescreen import RescreenReport, rescreen_open_cases


def _worker(args) -> RescreenReport:
    index, count, batch_size = args
    try:
        return rescreen_open_cases(batch_size=batch_size, shard=(index, count))
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Re-screen open percorsi screened under older rules; flag those whose results changed."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--workers", type=int, default=1, help="processes sharing the work (default 1)"
        )

    def handle(self, *args, batch_size: int, workers: int, **options):
        if not 1 <= workers <= 64:
            raise CommandError("--workers must be between 1 and 64")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if workers == 1:
            reports = [rescreen_open_cases(batch_size=batch_size)]
        else:
            # Each process opens its own connection: none may inherit the parent's.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                reports = pool.map(_worker, [(k, workers, batch_size) for k in range(workers)])
        seal_pending()  # what the workers' sealer threads had not sealed when they ended
        checked = sum(r.checked for r in reports)
        rescreened = sum(r.rescreened for r in reports)
        changed = sum(r.changed for r in reports)
        self.stdout.write(
            f"checked {checked} open percorsi, re-screened {rescreened}, "
            f"results changed in {changed}"
        )
