"""The outbox sweeper, for cron: delivers queued messages whose next attempt is due.

Normally the `deliver` task sends each message after commit and re-enqueues its retries; this
command catches what a lost task, a stopped worker or a backend without deferred tasks left behind.
"""

from django.core.management.base import BaseCommand

from scarpette.notifications.delivery import send_due


class Command(BaseCommand):
    help = "Deliver queued notification e-mails whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, batch_size: int, **options):
        outcomes = send_due(batch_size=max(batch_size, 1))
        self.stdout.write(
            "sent {sent}, to retry {retry}, failed {failed}, skipped {skipped}".format(
                sent=outcomes["sent"],
                retry=outcomes["retry"],
                failed=outcomes["failed"],
                skipped=outcomes["skipped"] + outcomes["busy"],
            )
        )
