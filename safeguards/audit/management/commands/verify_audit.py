"""Recompute the whole audit chain; exit 0 with its length and head, or 1 naming the first break."""

import time

from django.core.management.base import BaseCommand, CommandError

from safeguards.audit.verify import CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    help = "Check every audit event's hash and link, and the chain head (see docs/audit.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"events read per query (default {CHUNK_SIZE})",
        )

    def handle(self, *args, chunk_size, verbosity, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started, cpu_started = time.perf_counter(), time.process_time()
        result = verify_chain(chunk_size)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if verbosity >= 2:
            rate = result.count / seconds if seconds else 0
            self.stdout.write(
                f"Checked {result.count} events in {seconds:.2f} s "
                f"({rate:,.0f} events per second; {cpu:.2f} s of this process's CPU time)."
            )
        if result.problem is not None:
            raise CommandError(
                f"Audit chain broken at event {result.problem.seq}: {result.problem.problem}. "
                f"The {result.count} events before it are intact.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.count} events, head {result.head_hash}."
            )
        )
