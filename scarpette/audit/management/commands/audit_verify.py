from django.core.management.base import BaseCommand

from scarpette.audit.sealing import seal_pending
from scarpette.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Seal pending events, then verify the audit log: every event's keyed MAC, the chain of "
        "seals and the signed checkpoints; exits 1 if an event was edited, deleted or inserted, "
        "or the log was rewritten or truncated behind a checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="DIR",
            help="directory of signed checkpoints (default: AUDIT_CHECKPOINT_DIR)",
        )

    def handle(self, *args, **options):
        seal_pending()
        result = verify_chain(checkpoint_dir=options["checkpoints"])
        if result.ok:
            legacy = (
                f", {result.legacy} written before the chain was keyed" if result.legacy else ""
            )
            self.stdout.write(
                f"audit chain intact: {result.checked} events verified{legacy} "
                f"in {result.seals} seals; {result.checkpoints} checkpoints match"
            )
            return
        for problem in result.problems:
            self.stderr.write(f"audit chain broken: {problem}")
        raise SystemExit(1)
