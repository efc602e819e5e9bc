"""Run the periodic jobs that are due. Call it every few minutes from cron or a
systemd timer; it is safe to run twice (each job is idempotent and throttled).

Each job runs on its own: one that fails is reported (and retried on a pass a
few minutes later) while the others still run; the command then exits with an
error so that cron or systemd shows the failure."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from ocop.core.periodic import JobFailed, run_due_jobs


class Command(BaseCommand):
    help = "Run due periodic jobs (deadline reminders, expiry, clean-up)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ignore minimum intervals.")
        parser.add_argument(
            "--only",
            action="append",
            metavar="JOB",
            help=(
                "Run only this job (its function name, or its full dotted name when "
                "ambiguous); may be given several times. With --force it runs even if "
                "not due."
            ),
        )

    def handle(self, *args, force=False, only=None, **options):
        for config in apps.get_app_configs():
            if config.name.startswith("ocop."):
                try:
                    import_module(f"{config.name}.periodic")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.periodic":
                        raise
        try:
            results = run_due_jobs(force=force, only=only)
        except LookupError as error:
            raise CommandError(str(error)) from None
        failed = []
        for name, result in results.items():
            if isinstance(result, JobFailed):
                failed.append(name)
                self.stderr.write(f"{name}: {result}")
            else:
                self.stdout.write(f"{name}: {result}")
        if not results:
            self.stdout.write("Nothing due.")
        if failed:
            raise CommandError(f"{len(failed)} periodic job(s) failed: {', '.join(failed)}")
