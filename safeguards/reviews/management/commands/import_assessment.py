"""`manage.py import_assessment FILE --office SLUG --user USERNAME`: prints the new id."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Office
from safeguards.accounts.permissions import Action, can
from safeguards.reviews.importer import MAX_BYTES, ImportRefused, import_bytes


class Command(BaseCommand):
    help = (
        "Import an assessment (format safeguards.assessment-import/1, see docs/import-format.md) "
        "into an office as a draft. All or nothing; prints the new assessment's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file to import")
        parser.add_argument("--office", required=True, help="slug of the office")
        parser.add_argument("--user", required=True, help="username of a reviewer in the office")

    def handle(self, *, file, office, user, **options):
        office_obj = Office.objects.filter(slug=office).first()
        if office_obj is None:
            raise CommandError(f"No office with slug {office!r}.")
        user_obj = get_user_model().objects.filter(username=user).first()
        if user_obj is None:
            raise CommandError(f"No user {user!r}.")
        if not can(user_obj, Action.EDIT, office_obj):
            raise CommandError(f"{user} may not create assessments in {office} (needs reviewer).")
        try:
            with open(file, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        try:
            assessment = import_bytes(raw, office_obj, user_obj)
        except ImportRefused as refusal:
            lines = "\n".join(f"  {error}" for error in refusal.errors)
            raise CommandError(f"Nothing was imported from {file}:\n{lines}") from None
        self.stdout.write(str(assessment.pk))
