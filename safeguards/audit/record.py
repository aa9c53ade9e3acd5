"""The one way to write an audit event: inside the caller's transaction, after locking the head."""

import contextlib
import functools
import json
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from .chain import GENESIS, event_hash, format_time
from .models import ChainHead, Event


def jsonable(value: Any) -> Any:
    """Plain JSON types only, so the stored value reads back exactly as it was hashed.

    Dates become ISO strings, decimals and floats become strings (a float's text can change
    between databases), model instances become their primary key.
    """
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return str(value)


def _id(value: Any) -> int | None:
    """An office or assessment given as an instance, an id or an id's text: the id as an int.

    The hash is computed from what is written, so it must be what reads back (an int).
    """
    value = getattr(value, "pk", value)
    return None if value in (None, "") else int(value)


@functools.cache
def _head_sql(for_update: bool) -> tuple[str, str]:
    """The head's lock and move, written out: every saved change runs both."""
    quote, meta = connection.ops.quote_name, ChainHead._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    seq, hash_ = (quote(meta.get_field(name).column) for name in ("seq", "hash"))
    lock = " FOR UPDATE" if for_update else ""
    return (
        f"SELECT {seq}, {hash_} FROM {table} WHERE {pk} = 1{lock}",
        f"UPDATE {table} SET {seq} = %s, {hash_} = %s WHERE {pk} = 1",
    )


def _move_head(seq: int, hash_: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_head_sql(False)[1], [seq, hash_])


# An event's columns, in the order `insert_rows` takes them.
COLUMNS = (
    *("seq", "at", "actor_id", "actor_username", "office_id", "action", "target_type"),
    *("target_id", "assessment_id", "before", "after", "prev_hash", "hash"),
)


@functools.cache
def _insert_sql() -> str:
    quote, meta = connection.ops.quote_name, Event._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"


def db_row(values: dict[str, Any]) -> list:
    """An event's column values (`event_values`) as `insert_rows` sends them: the time and the
    JSON prepared by their fields, as the ORM would."""
    get_field = Event._meta.get_field
    row = [values[name] for name in COLUMNS]
    for index in (1, 9, 10):  # at, before, after
        row[index] = get_field(COLUMNS[index]).get_db_prep_save(row[index], connection)
    return row


def insert_rows(cursor, rows: list[list]) -> None:
    """Insert events' rows (`db_row`) in one written-out statement: the ORM's save and
    bulk_create took longer to prepare each field than the chain took to compute, while the
    chain head was held."""
    if len(rows) == 1:
        cursor.execute(_insert_sql(), rows[0])
    elif rows:
        cursor.executemany(_insert_sql(), rows)


def lock_head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends (on SQLite the IMMEDIATE
    transaction already holds the write lock). Recreated from the last event if missing."""
    with connection.cursor() as cursor:
        cursor.execute(_head_sql(connection.features.has_select_for_update)[0])
        row = cursor.fetchone()
    head = None if row is None else ChainHead.from_db(connection.alias, None, [1, *row])
    if head is None:
        seq, prev = Event.objects.order_by("-seq").values_list("seq", "hash").first() or (
            0,
            GENESIS,
        )
        try:
            with transaction.atomic():
                ChainHead.objects.create(pk=1, seq=seq, hash=prev)
        except IntegrityError:
            pass  # another writer created it first; lock theirs
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def event_values(
    seq: int,
    prev_hash: str,
    action: str,
    *,
    at: datetime | None = None,
    actor=None,
    office=None,
    target: Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    assessment=None,
    before: Any = None,
    after: Any = None,
) -> dict[str, Any]:
    """The column values of a new event, hash included, exactly as they will read back."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target.pk
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = at.replace(tzinfo=UTC)
    actor = actor if actor is not None and getattr(actor, "pk", None) else None
    values = {
        "seq": seq,
        "at": at,
        "actor_id": actor.pk if actor else None,
        "actor_username": actor.get_username() if actor else "",
        "office_id": _id(office),
        "action": action,
        "target_type": target_type,
        "target_id": "" if target_id in (None, "") else str(target_id),
        "assessment_id": _id(assessment),
        "before": jsonable(before),
        "after": jsonable(after),
        "prev_hash": prev_hash,
    }
    values["hash"] = event_hash(prev_hash, hashed_fields(values))
    return values


def hashed_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields (docs/audit.md) of an event's column values."""
    return {
        "seq": values["seq"],
        "at": format_time(values["at"]),
        "actor_id": values["actor_id"],
        "actor": values["actor_username"],
        "office_id": values["office_id"],
        "action": values["action"],
        "target_type": values["target_type"],
        "target_id": values["target_id"],
        "assessment_id": values["assessment_id"],
        "before": values["before"],
        "after": values["after"],
    }


def record(
    action: str,
    *,
    actor=None,
    office=None,
    target: Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    assessment=None,
    before: Any = None,
    after: Any = None,
) -> Event | None:
    """Append one event to the chain. Must run inside the caller's `transaction.atomic()`,
    so the change and its event are saved together or not at all. Returns the event written
    (None inside `atomic_events_last()` and `rehearsal()`: see `record_many`)."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.record() must be called inside the transaction that makes the change."
        )
    made = record_many(
        [
            {
                "action": action,
                "actor": actor,
                "office": office,
                "target": target,
                "target_type": target_type,
                "target_id": target_id,
                "assessment": assessment,
                "before": before,
                "after": after,
            }
        ]
    )
    return made[0] if made else None


def record_many(events: list[dict[str, Any]]) -> list[Event]:
    """Append several events in order, exactly as `record()` would one after another, with
    the head locked once, one INSERT and one head update (a saved page of answers).

    Each item holds `action` and any other keyword argument of `record()`. Must run inside
    the caller's `transaction.atomic()`, like `record()`. Returns the events written: none
    yet inside `atomic_events_last()` (written at its end) or `rehearsal()` (never).
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.record_many() must be called inside the transaction that makes the change."
        )
    rehearsing, block = getattr(_local, "rehearsing", 0), getattr(_local, "late", None)
    if not events or not (rehearsing or block):
        return _append(events)
    fixed = [_fixed(options) for options in events]  # a bad value fails here, at the change
    if rehearsing:
        return []
    if tuple(connection.savepoint_ids) != block.savepoints:
        # A savepoint inside the block can be rolled back on its own, and its event held
        # here would then be written for a change that was undone.
        raise transaction.TransactionManagementError(
            "Inside atomic_events_last(), record changes at the block's own level, not in "
            "a nested atomic block."
        )
    block.pending += fixed
    return []


def _fixed(options: dict[str, Any]) -> dict[str, Any]:
    """`record()`'s arguments with the values they have now: an event written later records
    what the change was, whatever happens to the objects after."""
    options = dict(options)
    target = options.pop("target", None)
    if target is not None:
        options["target_type"] = options.get("target_type") or target._meta.label_lower
        options["target_id"] = target.pk
    for name in ("office", "assessment"):
        options[name] = _id(options.get(name))
    for name in ("before", "after"):
        options[name] = jsonable(options.get(name))
    return options


def _append(events: list[dict[str, Any]]) -> list[Event]:
    """Lock the head, then write the events (`record()`'s arguments) after it, stamped with
    the time now."""
    if not events:
        return []
    head = lock_head()
    seq, prev_hash, values = head.seq, head.hash, []
    for options in events:
        options = dict(options)
        seq += 1
        values.append(event_values(seq, prev_hash, options.pop("action"), **options))
        prev_hash = values[-1]["hash"]
    with connection.cursor() as cursor:
        insert_rows(cursor, [db_row(item) for item in values])
    _move_head(seq, prev_hash)
    made = []
    for item in values:
        event = Event(**item)
        event._state.adding = False  # saved: as a bulk_create'd or fetched instance
        made.append(event)
    return made


_local = threading.local()  # each thread has its own connection and transaction


class _LateEvents:
    def __init__(self):
        self.savepoints = tuple(connection.savepoint_ids)
        self.pending: list[dict[str, Any]] = []


@contextlib.contextmanager
def atomic_events_last():
    """`transaction.atomic()` whose audit events are appended to the chain at its end.

    The chain head is one row that every change of every office locks until its transaction
    ends. A long transaction, such as an approval that assembles its report again and stores
    the PDF, held all others up for its whole length (0.2-0.3 s under load,
    docs/benchmarks.md); with its events last, it holds the head for the last few statements.
    The events are the same and in the same order; their time is when they are written. A
    failure anywhere in the block rolls back the changes and writes no event. Changes inside
    it are recorded at its own level: `record()` in a nested `atomic()` is refused.
    """
    if getattr(_local, "late", None) is not None:
        raise transaction.TransactionManagementError("atomic_events_last() is not nested.")
    with transaction.atomic():
        _local.late = block = _LateEvents()
        try:
            yield
        finally:
            _local.late = None
        _append(block.pending)


@contextlib.contextmanager
def rehearsal():
    """Inside the block, `record()` and `record_many()` check their events but write nothing
    and leave the chain head alone.

    For a transaction that is always rolled back, such as an approval's rehearsal
    (reviews/workflow.py): its events would be undone anyway, and locking the head for them
    held every other writer up until the rollback, about 0.3 s under load
    (docs/benchmarks.md). Must be entered inside that transaction.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.rehearsal() must run inside the transaction it rehearses."
        )
    _local.rehearsing = getattr(_local, "rehearsing", 0) + 1
    try:
        yield
    finally:
        _local.rehearsing -= 1
