"""``manage.py backup DEST_DIR``: the database, the stored files and a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump --format=custom on PostgreSQL, the SQLite backup "
        "API on SQLite) and every stored file into DEST_DIR, with a manifest.json of row "
        "counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="an empty or new directory")
        parser.add_argument("--database", default="default")

    def handle(self, *args, destination, database, **options):
        try:
            manifest = create_backup(Path(destination), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up {manifest['database']['vendor']}: {len(tables)} tables, "
            f"{sum(tables.values())} rows, {manifest['media']['files']} files into {destination}"
        )
