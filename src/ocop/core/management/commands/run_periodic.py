"""Run the periodic jobs that are due. Call it every few minutes from cron or a
systemd timer; it is safe to run twice (each job is idempotent and throttled)."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from ocop.core.periodic import run_due_jobs


class Command(BaseCommand):
    help = "Run due periodic jobs (deadline reminders, expiry, clean-up)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ignore minimum intervals.")

    def handle(self, *args, force=False, **options):
        for config in apps.get_app_configs():
            if config.name.startswith("ocop."):
                try:
                    import_module(f"{config.name}.periodic")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.periodic":
                        raise
        results = run_due_jobs(force=force)
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        if not results:
            self.stdout.write("Nothing due.")
