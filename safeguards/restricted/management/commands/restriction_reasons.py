"""List, add or remove an office's reasons for restricting a value."""

from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Office
from safeguards.restricted.marks import ReasonError, add_reason, reasons_for, remove_reason


class Command(BaseCommand):
    help = (
        "The office's list of restriction reasons (e.g. a FOIA exemption). Without options, "
        "prints it; until an office adds its own, a default list is offered."
    )

    def add_arguments(self, parser):
        parser.add_argument("office_slug")
        parser.add_argument("--add", metavar="LABEL")
        parser.add_argument("--remove", metavar="LABEL")

    def handle(self, office_slug, add, remove, **options):
        office = Office.objects.filter(slug=office_slug).first()
        if office is None:
            raise CommandError(f"There is no office {office_slug!r}.")
        if add:
            try:
                add_reason(office, add)
            except ReasonError as error:
                raise CommandError(str(error)) from error
        if remove and not remove_reason(office, remove):
            raise CommandError(f"{office_slug} has no reason {remove!r}.")
        for label in reasons_for(office):
            self.stdout.write(label)
