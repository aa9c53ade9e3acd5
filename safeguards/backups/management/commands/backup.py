from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.backups.archive import write_backup


class Command(BaseCommand):
    help = "Write every record and evidence file into one archive with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("output", help="archive to write, e.g. safeguards-2026-11-26.zip")

    def handle(self, output, **options):
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists already; choose a new name.")
        manifest = write_backup(path)
        total = sum(manifest["counts"].values())
        files = len(manifest["files"]) - 1
        self.stdout.write(f"Wrote {path}: {total} records, {files} evidence files.")
