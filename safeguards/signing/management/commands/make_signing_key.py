"""Make a new signing key and self-signed certificate for an office (the old one retires but
stays to verify what it signed)."""

from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Office
from safeguards.signing.keys import active_certificate, generate_certificate, key_path


class Command(BaseCommand):
    help = (
        "Make an office's report-signing key and certificate. Without --replace, does nothing "
        "if the office has one already."
    )

    def add_arguments(self, parser):
        parser.add_argument("office_slug")
        parser.add_argument(
            "--replace", action="store_true", help="retire the current certificate, make a new one"
        )

    def handle(self, office_slug, replace, **options):
        office = Office.objects.filter(slug=office_slug).first()
        if office is None:
            raise CommandError(f"There is no office {office_slug!r}.")
        current = active_certificate(office)
        if current is not None and not replace:
            self.stdout.write(f"{office.slug} already has certificate {current.sha256}.")
            return
        certificate = generate_certificate(office)
        self.stdout.write(
            f"Made certificate {certificate.sha256} for {office.slug} "
            f"(valid to {certificate.not_after:%Y-%m-%d}); private key {key_path(certificate)}."
        )
