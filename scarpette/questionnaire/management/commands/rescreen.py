from django.core.management.base import BaseCommand

from scarpette.questionnaire.rescreen import rescreen_open_cases


class Command(BaseCommand):
    help = "Re-screen open percorsi screened under older rules; flag those whose results changed."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        report = rescreen_open_cases(batch_size=batch_size)
        self.stdout.write(
            f"checked {report.checked} open percorsi, re-screened {report.rescreened}, "
            f"results changed in {report.changed}"
        )
