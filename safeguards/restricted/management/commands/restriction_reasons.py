"""List, add or remove an office's reasons for restricting a value."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max

from safeguards.accounts.models import Office
from safeguards.audit.record import record
from safeguards.restricted.marks import reasons_for
from safeguards.restricted.models import RestrictionReason


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
        with transaction.atomic():
            if add:
                label = add.strip()
                if not label or len(label) > 200:
                    raise CommandError("A reason is 1 to 200 characters.")
                last = RestrictionReason.objects.filter(office=office).aggregate(n=Max("position"))
                _, created = RestrictionReason.objects.get_or_create(
                    office=office, label=label, defaults={"position": (last["n"] or 0) + 1}
                )
                if created:
                    record("restriction_reason.added", office=office, after={"label": label})
            if remove:
                deleted, _ = RestrictionReason.objects.filter(office=office, label=remove).delete()
                if not deleted:
                    raise CommandError(f"{office_slug} has no reason {remove!r}.")
                record("restriction_reason.removed", office=office, before={"label": remove})
        for label in reasons_for(office):
            self.stdout.write(label)
