"""Threads appending audit events at once, each on its own database connection.

Used by test_concurrency: in-process on PostgreSQL; on SQLite in a child process against a
real database file (`python -m tests.audit.concurrent_appends THREADS EACH`), because the
test suite's in-memory SQLite shares one cache between threads, which fails fast with
"table is locked" instead of queueing writers as a database file does.
"""

import sys
import threading


def append_concurrently(threads: int, each: int, office_id: int | None = None) -> list[Exception]:
    from django.db import connection, transaction

    from safeguards.audit.record import record

    start = threading.Barrier(threads)
    errors: list[Exception] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with transaction.atomic():
                    record("answer.updated", office=office_id, after={"worker": worker, "n": n})
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def main(threads: int, each: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from safeguards.audit.models import Event

    call_command("migrate", verbosity=0)
    errors = append_concurrently(threads, each)
    print("errors:", errors)
    print("seqs:", list(Event.objects.order_by("seq").values_list("seq", flat=True)))
    call_command("verify_audit")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
