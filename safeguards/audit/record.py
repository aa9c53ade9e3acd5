"""The one way to write an audit event: inside the caller's transaction, after locking the head."""

import functools
import json
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
) -> Event:
    """Append one event to the chain. Must run inside the caller's `transaction.atomic()`,
    so the change and its event are saved together or not at all."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.record() must be called inside the transaction that makes the change."
        )
    return record_many(
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
    )[0]


def record_many(events: list[dict[str, Any]]) -> list[Event]:
    """Append several events in order, exactly as `record()` would one after another, with
    the head locked once, one INSERT and one head update (a saved page of answers).

    Each item holds `action` and any other keyword argument of `record()`. Must run inside
    the caller's `transaction.atomic()`, like `record()`.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.record_many() must be called inside the transaction that makes the change."
        )
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
