"""Run daily (cron): reminders before and on the due date, "no response" after it."""

from django.core.management.base import BaseCommand

from safeguards.followup import deadlines


class Command(BaseCommand):
    help = (
        "Send reminders for information requests due soon or today, and record 'no response' "
        "for every question still unanswered once its request's due date has ended."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=deadlines.REMIND_DAYS_BEFORE,
            help="send the first reminder this many days before the due date (default 7)",
        )

    def handle(self, days_before, **options):
        outcome = deadlines.run(days_before=days_before)
        for number in outcome.reminded:
            self.stdout.write(f"Reminded: {number}")
        for number in outcome.no_response:
            self.stdout.write(f"No response: {number}")
        self.stdout.write(
            f"{len(outcome.no_response)} questions marked no response, "
            f"{len(outcome.reminded)} requests reminded."
        )
