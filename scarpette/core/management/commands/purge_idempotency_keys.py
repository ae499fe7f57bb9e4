"""Delete form submission keys older than a week (run daily from cron)."""

from django.core.management.base import BaseCommand

from scarpette.core.idempotency import KEEP_DAYS, idempotency_purge


class Command(BaseCommand):
    help = "Delete idempotency keys of submitted forms older than --days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEEP_DAYS)

    def handle(self, *args, days: int, **options):
        deleted = idempotency_purge(keep_days=days)
        self.stdout.write(f"purged {deleted}")
