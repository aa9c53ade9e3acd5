"""Appending many events at once (demo data, benchmarks, imports): same chain, far fewer queries."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Event
from .record import lock_head, new_event

BATCH_SIZE = 2000


def append_many(
    events_data: Iterable[Mapping[str, Any]], *, batch_size: int = BATCH_SIZE
) -> tuple[int, str]:
    """Append events in order, chaining them in Python and inserting them in batches.

    Each item holds `action` and any other keyword argument of `record()` (actor, office,
    target, target_type, target_id, assessment, before, after), plus an optional `at`
    (an aware datetime; default now). Items may come from a generator. Runs in one transaction
    holding the chain head, so it is all or nothing. Returns (events appended, new head hash).
    """
    now = timezone.now()
    with transaction.atomic():
        head = lock_head()
        seq, prev_hash, batch = head.seq, head.hash, []
        for data in events_data:
            values = dict(data)
            values.setdefault("at", now)
            seq += 1
            event = new_event(seq, prev_hash, values.pop("action"), **values)
            prev_hash = event.hash
            batch.append(event)
            if len(batch) >= batch_size:
                Event.objects.bulk_create(batch)
                batch = []
        if batch:
            Event.objects.bulk_create(batch)
        appended = seq - head.seq
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return appended, prev_hash
