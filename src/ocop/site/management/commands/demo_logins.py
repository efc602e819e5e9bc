from django.conf import settings
from django.core.management.base import BaseCommand

from ocop.accounts.demo import ACCOUNTS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {settings.OCOP_DEMO_PASSWORD}):")
        for username, full_name, role, _ in ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role.label} — {full_name}")
