"""Limit a member to public versions of the office's reports, or give back all versions."""

from django.core.management.base import BaseCommand, CommandError

from safeguards.accounts.models import Membership
from safeguards.restricted.marks import set_public_only


class Command(BaseCommand):
    help = (
        "Set which report versions a member sees: `public` (restricted values withheld) or "
        "`all` (the restricted version too)."
    )

    def add_arguments(self, parser):
        parser.add_argument("office_slug")
        parser.add_argument("username")
        parser.add_argument("access", choices=["public", "all"])

    def handle(self, office_slug, username, access, **options):
        membership = (
            Membership.objects.select_related("user")
            .filter(office__slug=office_slug, user__username=username)
            .first()
        )
        if membership is None:
            raise CommandError(f"{username} is not a member of {office_slug}.")
        public_only = access == "public"
        set_public_only(membership, public_only)
        shown = "public versions only" if public_only else "all versions"
        self.stdout.write(f"{username} in {office_slug}: {shown}.")
