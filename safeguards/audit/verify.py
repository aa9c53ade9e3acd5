"""Reading the stored chain back fast, for `verify_audit` and `export_audit`.

Rows are streamed in chunks by keyset pagination on `seq`, as plain tuples with the JSON
columns (and, on SQLite, the time) as stored text: no model instance, no per-field converter.
SQLite keeps the JSON exactly as it was hashed (canonical), so there an event's canonical JSON
is assembled from the stored text without parsing it; only when that does not match is the
event recomputed by the full recipe. PostgreSQL rewrites JSON on storage, so there every
event goes through the full recipe.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from hashlib import sha256
from json.encoder import encode_basestring as quote
from typing import Any

from django.db import connection
from django.db.models import F, Func, IntegerField, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.dateparse import parse_datetime

from .chain import GENESIS, Break, event_hash, format_time, walk
from .models import ChainHead, Event

CHUNK_SIZE = 20_000
COLUMNS = (
    "seq",
    "at_raw",
    "actor_id",
    "actor_username",
    "office_id",
    "action",
    "target_type",
    "target_id",
    "assessment_id",
    "before_raw",
    "after_raw",
    "prev_hash",
    "hash",
)
QUICK_COLUMNS = (*COLUMNS, "json_ok")


def _time_text(value: Any) -> str:
    """The hashed form of a stored time: a datetime (PostgreSQL) or SQLite's text."""
    if isinstance(value, str):
        # Django writes SQLite times as UTC 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}Z"
        if len(value) == 19 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}.000000Z"
        parsed = parse_datetime(value)
        if parsed is None:
            return value  # not a time at all: it cannot match the hash, which is the point
        value = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return format_time(value)


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # as Django reads it; an edited, broken value then fails its hash


def _json_valid(name: str) -> Func:
    """1 if the stored text is one complete JSON value (SQLite's json_valid; SQL NULL: 1)."""
    stored = Coalesce(Cast(name, TextField()), Value("null"))
    return Func(stored, function="json_valid", output_field=IntegerField())


def _chunks(
    after_seq: int, upto_seq: int | None, chunk_size: int, quick: bool = False
) -> Iterator[list[tuple]]:
    """The stored columns of each event with after_seq < seq <= upto_seq, in COLUMNS order
    (QUICK_COLUMNS when `quick`, SQLite only), a chunk at a time.

    The SQL comes from the ORM; the rows are fetched with a plain cursor, which skips the
    ORM's per-row work (a third of the time of a verification).
    """
    raw_time = connection.vendor == "sqlite"
    events = Event.objects.order_by("seq").annotate(
        # On SQLite reading the time as text skips the driver's per-row datetime parsing.
        at_raw=Cast("at", TextField()) if raw_time else F("at"),
        before_raw=Cast("before", TextField()),
        after_raw=Cast("after", TextField()),
    )
    columns = COLUMNS
    if quick:
        events = events.annotate(json_ok=_json_valid("before") + _json_valid("after"))
        columns = QUICK_COLUMNS
    if upto_seq is not None:
        events = events.filter(seq__lte=upto_seq)
    last = after_seq
    with connection.cursor() as cursor:
        while True:
            query = events.filter(seq__gt=last).values_list(*columns)[:chunk_size].query
            cursor.execute(*query.sql_with_params())
            chunk = cursor.fetchall()
            if chunk:
                yield chunk
            if len(chunk) < chunk_size:
                return
            last = chunk[-1][0]


def _fields(row: tuple) -> dict[str, Any]:
    seq, at, actor_id, actor, office_id, action, t_type, t_id, a_id, before, after = row[:11]
    return {
        "seq": seq,
        "at": _time_text(at),
        "actor_id": actor_id,
        "actor": actor,
        "office_id": office_id,
        "action": action,
        "target_type": t_type,
        "target_id": t_id,
        "assessment_id": a_id,
        "before": _json(before),
        "after": _json(after),
    }


def rows(after_seq: int = 0, upto_seq: int | None = None, chunk_size: int = CHUNK_SIZE):
    """(hashed fields, prev_hash, hash) for each event with after_seq < seq <= upto_seq."""
    for chunk in _chunks(after_seq, upto_seq, chunk_size):
        for row in chunk:
            yield _fields(row), row[11], row[12]


def checked_rows(after_seq: int = 0, upto_seq: int | None = None, chunk_size: int = CHUNK_SIZE):
    """(seq, prev_hash, hash, whether the content matches the hash) for `chain.walk`."""
    quick = connection.vendor == "sqlite"
    quoted: dict[str, str] = {}  # actions, types and usernames repeat: quote each once
    for chunk in _chunks(after_seq, upto_seq, chunk_size, quick):
        for row in chunk:
            seq, at, actor_id, actor, office_id, action, t_type, t_id, a_id, b, a, p, h = row[:13]
            # The quick path assembles the canonical JSON (keys sorted) from the stored text.
            # A match proves the stored values are the hashed ones only if every spliced piece
            # is one whole JSON value (else pieces could shift); so check that, and on any
            # doubt or mismatch let the full recipe decide.
            if (
                quick
                and row[13] == 2
                and at.__class__ is str
                and at[10:11] == " "
                and '"' not in at
                and "\\" not in at
                and (actor_id is None or actor_id.__class__ is int)
                and (office_id is None or office_id.__class__ is int)
                and (a_id is None or a_id.__class__ is int)
            ):
                at = f"{at[:10]}T{at[11:]}Z" if len(at) == 26 else f"{at[:10]}T{at[11:]}.000000Z"
                q_action = quoted.get(action) or quoted.setdefault(action, quote(action))
                q_actor = quoted.get(actor) or quoted.setdefault(actor, quote(actor))
                q_type = quoted.get(t_type) or quoted.setdefault(t_type, quote(t_type))
                text = (
                    f'{{"action":{q_action},"actor":{q_actor},'
                    f'"actor_id":{"null" if actor_id is None else actor_id},'
                    f'"after":{"null" if a is None else a},'
                    f'"assessment_id":{"null" if a_id is None else a_id},"at":"{at}",'
                    f'"before":{"null" if b is None else b},'
                    f'"office_id":{"null" if office_id is None else office_id},"seq":{seq},'
                    f'"target_id":{quote(t_id)},"target_type":{q_type}}}'
                )
                if sha256((p + text).encode()).hexdigest() == h:
                    yield seq, p, h, True
                    continue
            yield seq, p, h, event_hash(p, _fields(row)) == h


@dataclass(frozen=True)
class Verification:
    count: int
    head_hash: str
    problem: Break | None


def snapshot() -> tuple[int, int | None, str | None]:
    """(highest seq, head seq, head hash) read in one statement, so they agree with each other."""
    event_table, head_table = Event._meta.db_table, ChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(seq) FROM {event_table}), h.seq, h.hash "
            f"FROM {head_table} h WHERE h.id = 1"
        )
        row = cursor.fetchone()
        if row is None:  # no head row at all
            cursor.execute(f"SELECT MAX(seq) FROM {event_table}")
            row = (cursor.fetchone()[0], None, None)
    return row[0] or 0, row[1], row[2]


# Below this many events one process is quicker than starting others.
PARALLEL_MIN_EVENTS = 200_000


def verify_chain(
    chunk_size: int = CHUNK_SIZE, jobs: int = 1, parallel_min: int = PARALLEL_MIN_EVENTS
) -> Verification:
    """Recompute the chain as it stood when verification began, then check the head row.

    Events appended while it runs are left for the next run. With `jobs` > 1 and a long chain
    on a database other processes can open, consecutive stretches of the chain are checked
    in parallel processes (see `_verify_in_parallel`).
    """
    last_seq, head_seq, head_hash = snapshot()
    if jobs > 1 and last_seq >= parallel_min and _can_fork():
        count, hash_, problem = _verify_in_parallel(last_seq, jobs, chunk_size)
    else:
        count, hash_, problem = walk(checked_rows(0, last_seq, chunk_size))
    if problem is None:
        problem = _head_problem(count, hash_, head_seq, head_hash)
    return Verification(count, hash_, problem)


def verify_stretch(after_seq: int, upto_seq: int, start_hash: str, chunk_size: int):
    """Check events after_seq < seq <= upto_seq, the first linking to `start_hash`.

    Returns (events checked, hash of the last, first break or None); events missing at the end
    of the stretch are a break too, since the next stretch cannot see them.
    """
    count, hash_, problem = walk(
        checked_rows(after_seq, upto_seq, chunk_size), after_seq + 1, start_hash
    )
    if problem is None and count < upto_seq - after_seq:
        missing = after_seq + count + 1
        problem = Break(missing, f"event {missing} is missing (the table jumps past it)")
    return count, hash_, problem


def _can_fork() -> bool:
    from multiprocessing import get_all_start_methods

    if "fork" not in get_all_start_methods():
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _stored_hash(seq: int) -> str:
    stored = Event.objects.filter(seq=seq).values_list("hash", flat=True).first()
    return stored or ""  # a missing event: the stretch before it reports the gap


def _stretch_in_child(args):
    return verify_stretch(*args)


def _verify_in_parallel(last_seq: int, jobs: int, chunk_size: int):
    """Split 1..last_seq into `jobs` stretches and check them at once, one process each.

    Each stretch after the first starts from the stored hash of the event before it; the
    stretch before checks that very hash, so together they check every link. The first break
    of the earliest broken stretch is the chain's first break.
    """
    from multiprocessing import get_context

    from django.db import connections

    bounds = [last_seq * part // jobs for part in range(jobs + 1)]
    stretches = [
        (after, upto, GENESIS if after == 0 else _stored_hash(after), chunk_size)
        for after, upto in zip(bounds, bounds[1:], strict=False)
        if upto > after
    ]
    connections.close_all()  # each child opens its own connection
    with get_context("fork").Pool(len(stretches)) as pool:
        results = pool.map(_stretch_in_child, stretches)
    total = 0
    for count, hash_, problem in results:
        total += count
        if problem is not None:
            return total, hash_, problem
    return total, results[-1][1], None


def _head_problem(count: int, hash_: str, head_seq: int | None, head_hash: str | None):
    if head_seq is None:
        if count == 0:
            return None
        return Break(count, f"the chain head row is missing (the last event is {count})")
    if head_seq > count:
        return Break(
            count + 1,
            f"event {count + 1} is missing: the chain head records {head_seq} events "
            f"but the table ends at {count}",
        )
    if head_seq < count:
        return Break(
            head_seq + 1,
            f"it lies beyond the chain head, which records only {head_seq} events "
            "(the head row was changed, or events were added without taking it)",
        )
    if head_hash != hash_:
        return Break(count, "the chain head row's hash does not match this last event's hash")
    return None
