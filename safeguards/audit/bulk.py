"""Appending many events at once (demo data, benchmarks, imports): same chain, far fewer queries."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .models import Event
from .record import event_values, lock_head

BATCH_SIZE = 5000
COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "office_id",
    "action",
    "target_type",
    "target_id",
    "assessment_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


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

    Rows go in through one prepared INSERT per batch rather than `bulk_create`, whose per-field
    preparation would cost more than computing the chain.
    """
    fields = [Event._meta.get_field(name) for name in COLUMNS]
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(Event._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    at_field, before_field, after_field = fields[1], fields[9], fields[10]
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
            row = [values[name] for name in COLUMNS]
            row[1] = at_field.get_db_prep_save(row[1], connection)
            row[9] = before_field.get_db_prep_save(row[9], connection)
            row[10] = after_field.get_db_prep_save(row[10], connection)
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
        appended = seq - head.seq
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return appended, prev_hash
