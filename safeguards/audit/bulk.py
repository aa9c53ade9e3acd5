"""Appending many events at once (demo data, benchmarks, imports): same chain, far fewer queries."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .record import db_row, event_values, insert_rows, lock_head

BATCH_SIZE = 5000


def append_many(
    events_data: Iterable[Mapping[str, Any]], *, batch_size: int = BATCH_SIZE
) -> tuple[int, str]:
    """Append events in order, chaining them in Python and inserting them in batches.

    Each item holds `action` and any other keyword argument of `record()` (actor, office,
    target, target_type, target_id, assessment, before, after), plus an optional `at`
    (an aware datetime; default now). Items may come from a generator. Runs in one transaction
    holding the chain head, so it is all or nothing. Returns (events appended, new head hash).
    For millions of events, call it once per slice of, say, 100,000 (`itertools.islice`) to
    keep each transaction, and SQLite's write-ahead log, small.

    Rows go in as `record_many`'s do (`insert_rows`), a batch at a time.
    """
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        head = lock_head()
        seq, prev_hash, batch = head.seq, head.hash, []
        for data in events_data:
            options = dict(data)
            options.setdefault("at", now)
            seq += 1
            values = event_values(seq, prev_hash, options.pop("action"), **options)
            prev_hash = values["hash"]
            batch.append(db_row(values))
            if len(batch) >= batch_size:
                insert_rows(cursor, batch)
                batch = []
        insert_rows(cursor, batch)
        appended = seq - head.seq
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return appended, prev_hash
