"""The outbox sweeper, for cron: reclaims tasks left RUNNING by a dead worker, then delivers queued
messages whose next attempt is due.

Normally the `deliver` task sends each message after commit and re-enqueues its retries; this
command catches what a lost task, a stopped or killed worker or a backend without deferred tasks
left behind. It looks at the outbox, not at the tasks: a queued message is sent whatever its
task's state.
"""

from django.core.management.base import BaseCommand

from scarpette.notifications.delivery import reclaim_stale_tasks, send_due


class Command(BaseCommand):
    help = "Deliver queued notification e-mails whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, batch_size: int, **options):
        reclaimed = reclaim_stale_tasks()
        outcomes = send_due(batch_size=max(batch_size, 1))
        self.stdout.write(
            "sent {sent}, to retry {retry}, failed {failed}, skipped {skipped}, "
            "broken off {error}, stale tasks reclaimed {reclaimed}".format(
                sent=outcomes["sent"],
                retry=outcomes["retry"],
                failed=outcomes["failed"],
                skipped=outcomes["skipped"] + outcomes["busy"],
                error=outcomes["error"],
                reclaimed=reclaimed,
            )
        )
