"""Limit a member to public versions of the office's reports, or give back all versions."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safeguards.accounts.models import Membership
from safeguards.audit.record import record
from safeguards.restricted.models import MemberSetting


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
        membership = Membership.objects.filter(
            office__slug=office_slug, user__username=username
        ).first()
        if membership is None:
            raise CommandError(f"{username} is not a member of {office_slug}.")
        public_only = access == "public"
        with transaction.atomic():
            setting, _ = MemberSetting.objects.get_or_create(membership=membership)
            if setting.public_only != public_only:
                before = setting.public_only
                setting.public_only = public_only
                setting.save(update_fields=["public_only"])
                record(
                    "membership.access_changed",
                    office=membership.office_id,
                    target=membership,
                    before={"user": username, "public_only": before},
                    after={"user": username, "public_only": public_only},
                )
        shown = "public versions only" if public_only else "all versions"
        self.stdout.write(f"{username} in {office_slug}: {shown}.")
