from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scarpette.demo.data import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the synthetic demo data (demo and test modes only) and print the demo accounts."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("demo data is refused in production (SCARPETTE_ENV=production)")
        accounts = load_demo()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for email, role, org in accounts:
            self.stdout.write(f"  {email:<34} {str(role):<28} {org}")
        if not settings.MFA_REQUIRED:
            self.stdout.write("Two-factor login is off in this demo (MFA_REQUIRED=0).")
        self.stdout.write("")
