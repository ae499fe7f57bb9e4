from django.core.management.base import BaseCommand

from scarpette.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed hash chain and its signed checkpoints; exits 1 if a row was "
        "edited, deleted or inserted, or the log was rewritten or truncated behind a checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="DIR",
            help="directory of signed checkpoints (default: AUDIT_CHECKPOINT_DIR)",
        )

    def handle(self, *args, **options):
        result = verify_chain(checkpoint_dir=options["checkpoints"])
        if result.ok:
            legacy = (
                f", {result.legacy} written before the chain was keyed" if result.legacy else ""
            )
            self.stdout.write(
                f"audit chain intact: {result.checked} events verified{legacy}; "
                f"{result.checkpoints} checkpoints match"
            )
            return
        for problem in result.problems:
            self.stderr.write(f"audit chain broken: {problem}")
        raise SystemExit(1)
