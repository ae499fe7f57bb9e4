"""Remind assigned operators of deadlines that are near. Run once a day (cron or systemd timer)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from scarpette.applications.services import deadlines_refresh, deadlines_send_reminders
from scarpette.cases.models import Case
from scarpette.questionnaire.selectors import latest_runs

BATCH_SIZE = 500


def _refresh(cases: list[Case]) -> None:
    """Each percorso's deadlines from its latest run, the runs read in one query per batch."""
    if not cases:
        return
    runs = latest_runs(case.pk for case in cases)
    for case in cases:
        # A run deleted meanwhile: deadlines_refresh reads the latest again.
        deadlines_refresh(case=case, run=runs.get(case.pk))


class Command(BaseCommand):
    help = "Recompute deadlines from the latest screenings and e-mail the reminders due today."

    def handle(self, *args, **options):
        # Screenings change outside this app: bring every open percorso's deadlines up to date first.
        cases = Case.objects.exclude(status=Case.Status.CLOSED).filter(screenings__isnull=False)
        batch: list[Case] = []
        for case in cases.distinct().iterator():
            batch.append(case)
            if len(batch) == BATCH_SIZE:
                _refresh(batch)
                batch = []
        _refresh(batch)
        count = deadlines_send_reminders(today=timezone.localdate())
        self.stdout.write(f"{count} deadline reminder(s) sent")
