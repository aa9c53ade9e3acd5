"""Write an office's trust anchor: its signing certificates as PEM (and, with --fdf, as an
Acrobat certificate-exchange file)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Office
from safeguards.signing.keys import ensure_certificate, trust_anchor_fdf, trust_anchor_pem


class Command(BaseCommand):
    help = (
        "Write the certificates that verify an office's signed reports (PEM), to publish "
        "beside its reports: readers add them to Acrobat's or pyHanko's trusted certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument("office_slug")
        parser.add_argument("-o", "--output", help="PEM file to write (default: standard output)")
        parser.add_argument("--fdf", help="also write an Acrobat certificate-exchange (.fdf) file")

    def handle(self, office_slug, output, fdf, **options):
        office = Office.objects.filter(slug=office_slug).first()
        if office is None:
            raise CommandError(f"There is no office {office_slug!r}.")
        ensure_certificate(office)
        pem = trust_anchor_pem(office)
        if output:
            Path(output).write_text(pem)
            self.stderr.write(f"Wrote the trust anchor of {office.slug} to {output}.")
        else:
            sys.stdout.write(pem)
        if fdf:
            Path(fdf).write_bytes(trust_anchor_fdf(office))
            self.stderr.write(f"Wrote the Acrobat certificate-exchange file to {fdf}.")
