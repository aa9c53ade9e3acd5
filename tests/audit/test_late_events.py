"""Events written at the end of a transaction (`atomic_events_last`) or not at all
(`rehearsal`): the chain head is locked for as short a time as the change allows."""

from unittest import mock

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from safeguards.accounts.models import Office
from safeguards.audit import record as audit_record
from safeguards.audit.models import ChainHead, Event
from safeguards.audit.record import atomic_events_last, record, record_many, rehearsal
from safeguards.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_locks():
    """Each call of lock_head, with the number of events stored at that moment."""
    calls, real = [], audit_record.lock_head

    def counting():
        calls.append(Event.objects.count())
        return real()

    with mock.patch.object(audit_record, "lock_head", counting):
        yield calls


def head() -> list:
    return list(ChainHead.objects.values_list("seq", "hash"))


def test_a_blocks_events_are_written_at_its_end_in_the_order_recorded(office, alice, head_locks):
    with transaction.atomic():
        record("office.created", office=office)
    with atomic_events_last():
        assert record("office.renamed", actor=alice, office=office) is None
        record_many(
            [
                {"action": "membership.changed", "office": office, "after": {"role": "x"}},
                {"action": "membership.changed", "office": office, "after": {"role": "y"}},
            ]
        )
        Office.objects.filter(pk=office.pk).update(name="Renamed")
        assert Event.objects.count() == 1 and len(head_locks) == 1  # nothing yet
    events = list(Event.objects.order_by("seq"))
    assert [(e.seq, e.action) for e in events] == [
        (1, "office.created"),
        (2, "office.renamed"),
        (3, "membership.changed"),
        (4, "membership.changed"),
    ]
    assert [e.after for e in events[2:]] == [{"role": "x"}, {"role": "y"}]
    assert events[1].actor_username == "alice" and events[1].prev_hash == events[0].hash
    assert head_locks == [0, 1]  # once for the block, when it ended
    assert head() == [(4, events[-1].hash)]
    assert verify_chain().problem is None


def test_a_late_event_records_the_values_it_was_given(office):
    after = {"name": "First"}
    with atomic_events_last():
        record("office.renamed", office=office, target=office, after=after)
        after["name"] = "Changed later"
    event = Event.objects.get()
    assert event.after == {"name": "First"}
    assert (event.target_type, event.target_id) == ("accounts.office", str(office.pk))


def test_a_failure_in_the_block_keeps_no_change_and_no_event(office):
    before = head()
    with pytest.raises(RuntimeError), atomic_events_last():
        Office.objects.filter(pk=office.pk).update(name="Renamed")
        record("office.renamed", office=office)
        raise RuntimeError("the change failed")
    assert Office.objects.get(pk=office.pk).name == office.name
    assert not Event.objects.exists() and head() == before


def test_a_bad_value_fails_where_it_is_recorded_not_at_the_end(office):
    with pytest.raises(ValueError), atomic_events_last():
        record("office.renamed", office="not an id")
    assert not Event.objects.exists()


def test_a_record_in_a_nested_atomic_block_is_refused(office):
    # A savepoint rolled back on its own would leave its held event without its change.
    with pytest.raises(TransactionManagementError, match="nested atomic"):
        with atomic_events_last(), transaction.atomic():
            record("office.renamed", office=office)
    with pytest.raises(TransactionManagementError, match="not nested"):
        with atomic_events_last(), atomic_events_last():
            pass
    assert not Event.objects.exists()
    with transaction.atomic():  # and recording works as before afterwards
        assert record("office.renamed", office=office).seq == 1


def test_a_rehearsal_writes_no_event_and_leaves_the_head_alone(office, head_locks):
    with transaction.atomic():
        record("office.created", office=office)
    before = head()
    with transaction.atomic():
        with rehearsal():
            assert record("office.renamed", office=office) is None
            assert record_many([{"action": "office.renamed", "office": office}]) == []
            with atomic_events_last():  # inside a rehearsal, it writes nothing either
                record("office.renamed", office=office)
            assert Event.objects.count() == 1 and head() == before
        assert record("office.renamed", office=office).seq == 2  # after it, as usual
    assert head_locks == [0, 1]


def test_a_rehearsal_still_refuses_a_bad_value_and_ends_with_its_block(office):
    with pytest.raises(ValueError), transaction.atomic(), rehearsal():
        record("office.renamed", office="not an id")
    with transaction.atomic():
        assert record("office.renamed", office=office).seq == 1


def test_a_rehearsal_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(TransactionManagementError), rehearsal():
        pass
