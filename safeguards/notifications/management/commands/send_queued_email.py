"""Retry the e-mails that could not be sent yet (for cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from safeguards.notifications.mail import send_due


class Command(BaseCommand):
    help = "Send queued e-mails whose next attempt is due; failures stay queued with their error."

    def handle(self, *args, **options):
        sent, failed = send_due()
        self.stdout.write(f"{sent} sent, {failed} failed")
