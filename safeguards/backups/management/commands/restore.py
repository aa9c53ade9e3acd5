from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from safeguards.backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive written by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, archive, **options):
        try:
            manifest = restore_backup(Path(archive))
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {total} records from {archive} ({manifest['created_at']}).")
        call_command("verify_audit", stdout=self.stdout)
