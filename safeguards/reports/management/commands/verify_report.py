"""Check a report PDF or JSON file: exit 0 if it matches an approved version (and a signed
PDF's signature is valid), 1 if altered or invalid, 2 if unusable or matching nothing here."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.reports.forms import MAX_UPLOAD_BYTES
from safeguards.reports.verify import MATCHES, UNMATCHED, verify_file


class Command(BaseCommand):
    help = (
        "Verify a gap report (PDF or JSON): recompute its fingerprint and scores and look for "
        "the approved version it matches; check a PDF's signature and timestamp. Exit 0 all "
        "valid, 1 altered or invalid, 2 unusable or matching nothing here."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report's PDF or JSON file.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                raise CommandError(f"{path} is larger than any report; not checked.")
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        outcome = verify_file(raw)  # the server's operator: every detail may be shown
        style = (
            self.style.SUCCESS
            if outcome.kind == MATCHES
            else self.style.WARNING
            if outcome.kind == UNMATCHED
            else self.style.ERROR
        )
        self.stdout.write(style(outcome.headline))
        for line in outcome.details:
            self.stdout.write(f"- {line}")
        for prop in outcome.properties:
            self.stdout.write(prop.line())
        sys.exit(outcome.exit_status)
