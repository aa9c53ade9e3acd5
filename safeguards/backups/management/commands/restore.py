from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from safeguards.backups.archive import BackupError, restore_backup

from .backup import read_passphrase


class Command(BaseCommand):
    help = "Restore an archive written by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help="read the signing keys' passphrase from standard input (else "
            "SAFEGUARDS_BACKUP_PASSPHRASE)",
        )

    def handle(self, archive, passphrase_stdin, **options):
        try:
            manifest = restore_backup(
                Path(archive), key_passphrase=read_passphrase(passphrase_stdin) or None
            )
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {total} records from {archive} ({manifest['created_at']}).")
        call_command("verify_audit", stdout=self.stdout)
