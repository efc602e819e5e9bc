from django.core.management.base import BaseCommand

from ocop.events.domain.topics import seed_topics


class Command(BaseCommand):
    help = "Add the seed topics of training and publicity that are missing (idempotent)."

    def handle(self, *args, **options):
        added = seed_topics()
        if options["verbosity"]:
            self.stdout.write(f"{added} topic(s) added.")
