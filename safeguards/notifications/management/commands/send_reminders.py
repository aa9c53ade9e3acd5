"""Due-date reminders for assignments, recommendations and information requests (for cron or a
systemd timer, daily)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguards.accounts.models import Office
from safeguards.followup.register import local_date
from safeguards.followup.reminders import due_recommendations, due_requests
from safeguards.notifications import reminders
from safeguards.team.reminders import due_assignments


class Command(BaseCommand):
    help = (
        "Remind people of assignments, recommendations and information requests due soon or "
        "today, in the app and by e-mail. Safe to run as often as you like: a reminder is "
        "never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=reminders.DAYS_BEFORE,
            help=f"remind this many days ahead of a due date (default {reminders.DAYS_BEFORE})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent, send nothing"
        )

    def handle(self, *args, days_before, dry_run, **options):
        if days_before < 0:
            raise CommandError("--days-before cannot be negative")
        now = timezone.now()
        total = 0
        for office in Office.objects.order_by("slug"):
            # Each office's own calendar day: "due today" means today where the office is.
            today = local_date(now, office)
            first, last = reminders.window(today, days_before)
            items = due_assignments(office.pk, first, last)
            items += due_recommendations(office.pk, first, last)
            items += due_requests(office.pk, first, last, today)
            sent = reminders.send(items, today, days_before, dry_run=dry_run)
            for reminder in sent:
                self.stdout.write(f"{office.slug}: {reminder.username}: {reminder.subject}")
            total += len(sent)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{total} reminder{'s' if total != 1 else ''} {verb}")
