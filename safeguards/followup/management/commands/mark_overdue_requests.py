"""Run daily (cron): "no response" for every question unanswered after its due date."""

from django.core.management.base import BaseCommand

from safeguards.followup import deadlines


class Command(BaseCommand):
    help = (
        "Record 'no response' for every question still unanswered once its request's due date "
        "has ended (in the office's time zone). Reminders before and on the due date are sent "
        "by send_reminders."
    )

    def handle(self, *args, **options):
        outcome = deadlines.run()
        for number in outcome.no_response:
            self.stdout.write(f"No response: {number}")
        self.stdout.write(f"{len(outcome.no_response)} questions marked no response.")
