"""Recompute the whole audit chain; exit 0 with its length and head, or 1 naming the first break."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from safeguards.audit.verify import CHUNK_SIZE, PARALLEL_MIN_EVENTS, verify_chain


class Command(BaseCommand):
    help = "Check every audit event's hash and link, and the chain head (see docs/audit.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"events read per query (default {CHUNK_SIZE})",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="processes checking stretches of a long chain at once (default: cores, max 4)",
        )
        parser.add_argument(
            "--parallel-min",
            type=int,
            default=PARALLEL_MIN_EVENTS,
            help=f"use several processes from this many events (default {PARALLEL_MIN_EVENTS})",
        )

    def handle(self, *args, chunk_size, jobs, parallel_min, verbosity, **options):
        if chunk_size < 1 or jobs < 1:
            raise CommandError("--chunk-size and --jobs must be at least 1.")
        started, cpu_started = time.perf_counter(), time.process_time()
        result = verify_chain(chunk_size, jobs, parallel_min)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if verbosity >= 2:
            rate = result.count / seconds if seconds else 0
            self.stdout.write(
                f"Checked {result.count} events in {seconds:.2f} s "
                f"({rate:,.0f} events per second; {cpu:.2f} s of this process's CPU time; "
                f"{jobs} job(s) from {parallel_min} events)."
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
