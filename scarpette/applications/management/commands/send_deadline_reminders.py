"""Remind assigned operators of deadlines that are near. Run once a day (cron or systemd timer)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from scarpette.applications.services import deadlines_refresh, deadlines_send_reminders
from scarpette.cases.models import Case


class Command(BaseCommand):
    help = "Recompute deadlines from the latest screenings and e-mail the reminders due today."

    def handle(self, *args, **options):
        # Screenings change outside this app: bring every open percorso's deadlines up to date first.
        cases = Case.objects.exclude(status=Case.Status.CLOSED).filter(screenings__isnull=False)
        for case in cases.distinct().iterator():
            deadlines_refresh(case=case)
        count = deadlines_send_reminders(today=timezone.localdate())
        self.stdout.write(f"{count} deadline reminder(s) sent")
