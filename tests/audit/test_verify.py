"""`verify_audit` passes an intact chain and names the first event a manual edit broke."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from safeguards.audit import triggers
from safeguards.audit.bulk import append_many
from safeguards.audit.chain import event_hash
from safeguards.audit.models import ChainHead, Event
from safeguards.audit.record import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(office, alice):
    """Five events, then the triggers lifted (for this test's transaction only) to tamper."""
    with transaction.atomic():
        for n in range(1, 6):
            record(
                "answer.updated",
                actor=alice,
                office=office,
                assessment=1,
                before={"status": "not_met", "rationale": f"Old {n}"},
                after={"status": "met", "rationale": f"New «{n}»"},
            )
    triggers.uninstall(connection)
    return list(Event.objects.order_by("seq"))


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify(*args):
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def broken_at(seq):
    """Run verify_audit, expecting exit status 1 naming event `seq`; return the message."""
    with pytest.raises(CommandError) as failure:
        verify()
    assert failure.value.returncode == 1
    assert f"broken at event {seq}:" in str(failure.value)
    return str(failure.value)


def test_intact_chain_passes_with_count_and_head(chain):
    out = verify()
    assert f"Audit chain intact: 5 events, head {chain[-1].hash}." in out


def test_empty_chain_passes(db):
    assert "Audit chain intact: 0 events" in verify()


def test_rate_is_printed_at_verbosity_two(chain):
    assert "events per second" in verify("--verbosity", "2")


def test_changed_value_is_named(chain):
    sql("UPDATE audit_event SET actor_username = %s WHERE seq = 3", ["mallory"])
    assert "does not match its content" in broken_at(3)


def test_changed_json_value_is_named(chain):
    sql(
        "UPDATE audit_event SET after = %s WHERE seq = 4",
        ['{"rationale":"New 4","status":"partial"}'],
    )
    broken_at(4)


def test_changed_time_is_named(chain):
    moved = chain[1].at + datetime.timedelta(microseconds=1)
    sql(
        "UPDATE audit_event SET at = %s WHERE seq = 2",
        [connection.ops.adapt_datetimefield_value(moved)],
    )
    broken_at(2)


def test_deleted_row_is_named(chain):
    sql("DELETE FROM audit_event WHERE seq = 3")
    assert "sequence jumps from 2 to 4" in broken_at(3)


def test_deleted_last_row_is_caught_by_the_head(chain):
    sql("DELETE FROM audit_event WHERE seq = 5")
    assert "chain head records 5 events" in broken_at(5)


def test_swapped_rows_are_named(chain):
    columns = [f.column for f in Event._meta.concrete_fields if f.column != "seq"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM audit_event WHERE seq IN (2, 4) ORDER BY seq"
        )
        two, four = cursor.fetchall()
    sets = ", ".join(f"{column} = %s" for column in columns)
    sql("UPDATE audit_event SET hash = %s WHERE seq = 2", ["x" * 64])  # free the unique hash
    sql(f"UPDATE audit_event SET {sets} WHERE seq = 4", list(two))
    sql(f"UPDATE audit_event SET {sets} WHERE seq = 2", list(four))
    assert "previous-hash link" in broken_at(2)


def test_rehashed_event_breaks_the_link_of_the_next(chain):
    event = chain[2]
    event.actor_username = "mallory"
    forged = event_hash(event.prev_hash, event.hashed_fields())
    sql("UPDATE audit_event SET actor_username = %s, hash = %s WHERE seq = 3", ["mallory", forged])
    assert "previous-hash link" in broken_at(4)


def test_rewound_head_is_named(chain):
    ChainHead.objects.filter(pk=1).update(seq=4, hash=chain[3].hash)
    assert "beyond the chain head" in broken_at(5)


def test_changed_head_hash_is_named(chain):
    ChainHead.objects.filter(pk=1).update(hash="0" * 64)
    assert "chain head row's hash" in broken_at(5)


def test_invalid_json_is_named_not_crashed(chain):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses invalid JSON in a jsonb column")
    sql("PRAGMA ignore_check_constraints = ON")
    try:
        sql("UPDATE audit_event SET before = %s WHERE seq = 2", ['{"rationale":"Old 2"'])
    finally:
        sql("PRAGMA ignore_check_constraints = OFF")
    broken_at(2)


def test_shifted_json_pieces_are_not_mistaken_for_the_hashed_ones(office):
    """On SQLite the verifier hashes stored JSON text as it is. An edit that moves text from
    one column into its neighbours (so the concatenation is unchanged) must still fail."""
    if connection.vendor != "sqlite":
        pytest.skip("the stored-text shortcut is SQLite's")
    nested_at = "2026-01-01T00:00:00.000001Z"
    with transaction.atomic():
        record(
            "answer.updated",
            office=office,
            assessment=9,
            before={"status": "met"},
            after={"a": 1, "assessment_id": 5, "at": nested_at, "before": 0},
        )
    triggers.uninstall(connection)
    event = Event.objects.get()
    shifted_before = (
        f'0}},"assessment_id":9,"at":"{event.hashed_fields()["at"]}","before":{{"status":"met"}}'
    )
    sql("PRAGMA ignore_check_constraints = ON")
    try:
        sql(
            "UPDATE audit_event SET after = %s, assessment_id = 5, at = %s, before = %s",
            ['{"a":1', "2026-01-01 00:00:00.000001", shifted_before],
        )
    finally:
        sql("PRAGMA ignore_check_constraints = OFF")
    broken_at(1)


def test_bulk_appended_chain_passes(office, alice):
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    append_many(
        {
            "action": "answer.updated",
            "actor": alice if n % 2 else None,
            "office": office,
            "assessment": n % 3 or None,
            "target_type": "reviews.answer",
            "target_id": n,
            # every third one on a whole second: SQLite then stores no fraction
            "at": start + datetime.timedelta(seconds=n, microseconds=0 if n % 3 else n),
            "before": None if n % 4 == 0 else {"rationale": f'line\n{n} "quoted" \\ é'},
            "after": [n, {"b": True, "a": None}],
        }
        for n in range(1, 301)
    )
    assert "Audit chain intact: 300 events" in verify("--chunk-size", "7")
