import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.backups.archive import write_backup


class Command(BaseCommand):
    help = "Write every record and evidence file into one archive with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("output", help="archive to write, e.g. safeguards-2026-11-26.zip")
        parser.add_argument(
            "--with-signing-keys",
            action="store_true",
            help="also the offices' private signing keys, encrypted with a passphrase read "
            "from standard input (--passphrase-stdin) or SAFEGUARDS_BACKUP_PASSPHRASE",
        )
        parser.add_argument("--passphrase-stdin", action="store_true")

    def handle(self, output, with_signing_keys, passphrase_stdin, **options):
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists already; choose a new name.")
        passphrase = None
        if with_signing_keys:
            passphrase = read_passphrase(passphrase_stdin)
            if len(passphrase) < 12:
                raise CommandError("The key passphrase must be at least 12 characters.")
        manifest = write_backup(path, key_passphrase=passphrase)
        total = sum(manifest["counts"].values())
        files = sum(1 for name in manifest["files"] if name.startswith("evidence/"))
        keys = sum(1 for name in manifest["files"] if name.startswith("signing-keys/"))
        extra = f", {keys} encrypted signing keys" if with_signing_keys else ""
        self.stdout.write(f"Wrote {path}: {total} records, {files} evidence files{extra}.")


def read_passphrase(from_stdin: bool) -> bytes:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n").encode()
    return os.environ.get("SAFEGUARDS_BACKUP_PASSPHRASE", "").encode()
