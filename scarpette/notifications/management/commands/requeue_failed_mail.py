"""Re-queue the notification e-mails marked failed (after an outage longer than the retry period).

Each gets a fresh retry period and is delivered by the worker or the next `send_pending_mail`.
The re-queue is audited (`notifications.outbox.requeued`, with the count).
"""

from django.core.management.base import BaseCommand

from scarpette.notifications.services import outbox_failed_requeue


class Command(BaseCommand):
    help = "Put failed notification e-mails back in the queue (--dry-run: only count them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count the failed e-mails, change nothing"
        )

    def handle(self, *args, dry_run: bool, **options):
        count = outbox_failed_requeue(dry_run=dry_run, actor_label="manage.py requeue_failed_mail")
        if dry_run:
            self.stdout.write(f"failed e-mails that would be re-queued: {count}")
        else:
            self.stdout.write(f"failed e-mails re-queued: {count}")
