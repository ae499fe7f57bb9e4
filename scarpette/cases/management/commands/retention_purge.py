"""Anonymise closed percorsi whose retention period has run. Daily, from cron (docs/security.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scarpette.cases.retention import retention_purge


def _positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return number


class Command(BaseCommand):
    help = (
        "Anonymise percorsi closed more than RETENTION_MONTHS months ago: identity, notes, answers "
        "and free text are erased; code, dates, statuses and outcomes are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be anonymised; change nothing"
        )
        parser.add_argument("--batch-size", type=_positive, default=100)

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        try:
            report = retention_purge(batch_size=batch_size, dry_run=dry_run)
        except Exception as exc:  # an operator's command: a clear line, never a traceback
            raise CommandError(
                f"retention purge failed ({type(exc).__name__}); the batch in progress was rolled back, run it again"
            ) from exc
        period = (
            f"closed on or before {report.cutoff.isoformat()} ({settings.RETENTION_MONTHS} months)"
        )
        if dry_run:
            self.stdout.write(
                f"dry run: {report.anonymised} percorsi would be anonymised, {period}"
            )
            return
        rows = ", ".join(f"{kind} {n}" for kind, n in sorted(report.rows.items())) or "none"
        self.stdout.write(
            f"anonymised {report.anonymised} percorsi, {period}; rows cleared: {rows}"
        )
