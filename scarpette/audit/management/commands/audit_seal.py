from django.core.management.base import BaseCommand

from scarpette.audit.sealing import seal_pending


class Command(BaseCommand):
    help = (
        "Seal the audit events committed since the last seal into the keyed chain. The web "
        "processes seal right after each commit; run this every minute (cron) for the events "
        "whose sealer was skipped because another one was running."
    )

    def handle(self, *args, **options):
        sealed = seal_pending()
        self.stdout.write(f"{sealed} audit events sealed")
