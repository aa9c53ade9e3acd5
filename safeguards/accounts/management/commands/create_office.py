from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction

from safeguards.accounts.models import Office
from safeguards.audit.record import record
from safeguards.signing.keys import ensure_certificate


class Command(BaseCommand):
    help = "Create an office (or rename an existing one). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name used in commands, e.g. dhs-oig")
        parser.add_argument("name", help='full name, e.g. "Office of Inspector General"')

    def handle(self, slug, name, **options):
        try:
            validate_slug(slug)
        except ValidationError as error:
            raise CommandError(
                f"Office slug {slug!r}: use letters, digits, - and _ only."
            ) from error
        name = name.strip()
        if not name or len(name) > 200:
            raise CommandError("Office name must be 1 to 200 characters.")
        with transaction.atomic():
            office, created = Office.objects.get_or_create(slug=slug, defaults={"name": name})
            if created:
                record(
                    "office.created",
                    office=office,
                    target=office,
                    after={"slug": slug, "name": name},
                )
            elif office.name != name:
                before = office.name
                office.name = name
                office.save(update_fields=["name"])
                record(
                    "office.renamed",
                    office=office,
                    target=office,
                    before={"name": before},
                    after={"name": name},
                )
        # Every office signs its approved reports: its key and certificate come with it.
        certificate = ensure_certificate(office)
        verb = "Created" if created else "Office already exists:"
        self.stdout.write(f"{verb} {office.slug} ({office.name})")
        if created:
            self.stdout.write(f"Signing certificate {certificate.sha256}")
