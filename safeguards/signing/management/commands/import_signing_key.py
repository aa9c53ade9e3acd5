"""Import an office's signing key and certificate from a PKCS#12 (.p12/.pfx) file."""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Office
from safeguards.signing.keys import KeyError_, import_pkcs12


class Command(BaseCommand):
    help = (
        "Import a PKCS#12 file as an office's signing key and certificate; it signs every "
        "report approved from now on. The passphrase is read from standard input "
        "(--passphrase-stdin) or SAFEGUARDS_PKCS12_PASSPHRASE."
    )

    def add_arguments(self, parser):
        parser.add_argument("office_slug")
        parser.add_argument("file", help="the .p12 or .pfx file")
        parser.add_argument("--passphrase-stdin", action="store_true")

    def handle(self, office_slug, file, passphrase_stdin, **options):
        office = Office.objects.filter(slug=office_slug).first()
        if office is None:
            raise CommandError(f"There is no office {office_slug!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        if passphrase_stdin:
            passphrase = sys.stdin.readline().rstrip("\r\n")
        else:
            passphrase = os.environ.get("SAFEGUARDS_PKCS12_PASSPHRASE", "")
        try:
            certificate = import_pkcs12(office, data, passphrase.encode() or None)
        except KeyError_ as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported certificate {certificate.sha256} ({certificate.subject}) for {office.slug}."
        )
