from django.core.management.base import BaseCommand

from scarpette.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits 1 if a row was edited or deleted."

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} events verified")
            return
        for problem in result.problems:
            self.stderr.write(f"audit chain broken: {problem}")
        raise SystemExit(1)
