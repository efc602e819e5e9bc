"""Rebuild the statistics summary tables now (after a bulk load)."""

from django.core.management.base import BaseCommand

from ocop.stats.domain.refresh import count_scans, rebuild_certificate_facts


class Command(BaseCommand):
    help = "Rebuild the certificate facts and count the new scans."

    def handle(self, *args, **options):
        facts = rebuild_certificate_facts()
        scans = count_scans()
        self.stdout.write(f"{facts} certificate facts, {scans} scans counted.")
