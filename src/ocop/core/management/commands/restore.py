"""``manage.py restore SRC_DIR``: replace the database and the stored files
with those of a backup made by ``manage.py backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: REPLACES the whole database and "
        "writes the stored files back, then checks every table's row count. Stop the web "
        "and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a directory written by manage.py backup")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, source, database, interactive, **options):
        try:
            manifest = read_manifest(Path(source))
            if interactive:
                answer = input(
                    f"This replaces the whole database and the stored files with the backup "
                    f"of {manifest['created_at']}. Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            restored = restore_backup(Path(source), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = restored["database"]["tables"]
        self.stdout.write(
            f"Restored {restored['database']['vendor']} backup of {restored['created_at']}: "
            f"{len(tables)} tables, {sum(tables.values())} rows (counts checked), "
            f"{restored['restored_files']} files"
        )
