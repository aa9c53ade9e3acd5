"""Recording events: inside the caller's transaction, chained, and refused changes."""

import datetime

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from safeguards.audit.bulk import append_many
from safeguards.audit.chain import GENESIS, event_hash
from safeguards.audit.models import AppendOnlyError, ChainHead, Event, anchor
from safeguards.audit.record import record

pytestmark = pytest.mark.django_db


def test_event_is_chained_to_the_previous_one(office, alice):
    with transaction.atomic():
        first = record("office.created", actor=alice, office=office, target=office)
        second = record("membership.changed", actor=alice, office=office.pk, after={"role": "x"})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert (second.seq, second.actor_username, second.target_type) == (2, "alice", "")
    assert first.target_type == "accounts.office" and first.target_id == str(office.pk)
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (2, second.hash)


def test_stored_event_hashes_the_same_as_written(office, alice):
    with transaction.atomic():
        written = record(
            "answer.updated",
            actor=alice,
            office=str(office.pk),  # an id as text is stored, and hashed, as the number
            assessment="7",
            before={"when": datetime.date(2026, 1, 2), "score": 0.5, "tags": {"b", "a"}},
            after={"rationale": "Dès que possible — «vite»", "n": None},
        )
    stored = Event.objects.get()
    assert stored.office_id == office.pk and stored.assessment_id == 7
    assert stored.before == {"when": "2026-01-02", "score": "0.5", "tags": ["a", "b"]}
    assert event_hash(stored.prev_hash, stored.hashed_fields()) == written.hash == stored.hash


def test_rolled_back_transaction_leaves_no_event(office, alice):
    # The head row may be absent here (an earlier committing test's flush empties the table,
    # and record() makes it again on demand): what matters is that it is left as it was.
    head_before = list(ChainHead.objects.values_list("seq", "hash"))
    with pytest.raises(RuntimeError), transaction.atomic():
        record("office.created", actor=alice, office=office)
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()
    assert list(ChainHead.objects.values_list("seq", "hash")) == head_before


def test_recording_outside_a_transaction_is_refused(transactional_db, office):
    with pytest.raises(TransactionManagementError):
        record("office.created", office=office)
    assert not Event.objects.exists()


def test_model_refuses_to_change_or_delete_an_event(office):
    with transaction.atomic():
        event = record("office.created", office=office)
    event.action = "office.renamed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_missing_head_is_rebuilt_from_the_last_event(office):
    with transaction.atomic():
        first = record("office.created", office=office)
    ChainHead.objects.all().delete()
    with transaction.atomic():
        second = record("office.renamed", office=office)
    assert (second.seq, second.prev_hash) == (2, first.hash)


def test_append_many_continues_the_chain_in_batches(office, alice):
    with transaction.atomic():
        first = record("office.created", office=office)
    at = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    count, head = append_many(
        (
            {
                "action": "answer.updated",
                "actor": alice,
                "office": office,
                "assessment": 3,
                "at": at,
            }
            for _ in range(7)
        ),
        batch_size=3,
    )
    events = list(Event.objects.order_by("seq"))
    assert count == 7 and len(events) == 8
    assert events[1].prev_hash == first.hash and events[-1].hash == head
    assert all(e.hash == event_hash(e.prev_hash, e.hashed_fields()) for e in events)
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert ChainHead.objects.get().hash == head


def test_anchor_counts_an_assessments_events_and_names_the_latest(office):
    assert anchor(5) == (0, None)
    with transaction.atomic():
        record("answer.updated", office=office, assessment=5)
        record("answer.updated", office=office, assessment=6)
        latest = record("assessment.submitted", office=office, assessment=5)
    assert anchor(5) == (2, latest.hash)
    assert list(Event.objects.for_assessment(6).values_list("seq", flat=True)) == [2]
