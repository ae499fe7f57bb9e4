from django.core.management.base import BaseCommand, CommandError

from scarpette.audit.checkpoint import CheckpointError, write


class Command(BaseCommand):
    help = (
        "Seal pending events, then write a signed checkpoint of the audit chain (last seal and "
        "its hash) outside the "
        "database: to AUDIT_CHECKPOINT_DIR and/or by mail to AUDIT_CHECKPOINT_EMAIL. Run it "
        "hourly; audit_verify checks every checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", metavar="DIR", help="write here instead of the setting")

    def handle(self, *args, **options):
        try:
            point, destinations = write(directory=options["dir"])
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"checkpoint of seal {point.last_id} written: {', '.join(destinations)}")
