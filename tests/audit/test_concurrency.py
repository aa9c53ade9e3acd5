"""Writers appending at the same time queue up on the chain head: one chain, no gaps."""

import pytest
from django.db import close_old_connections, connection

from safeguards.audit.chain import GENESIS, event_hash
from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain
from tests.child import run_on_sqlite_file

from .concurrent_appends import append_concurrently

THREADS = 4
EACH = 15
TOTAL = THREADS * EACH

pytestmark = pytest.mark.slow


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the next test")
def test_concurrent_appends_make_one_unbroken_chain(transactional_db, office):
    errors = append_concurrently(THREADS, EACH, office.pk)
    close_old_connections()

    assert errors == []
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, TOTAL + 1))
    previous = GENESIS
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == event_hash(event.prev_hash, event.hashed_fields())
        previous = event.hash
    assert sorted((e.after["worker"], e.after["n"]) for e in events) == [
        (w, n) for w in range(THREADS) for n in range(EACH)
    ]
    assert verify_chain().problem is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the test above")
def test_concurrent_appends_on_a_sqlite_file_make_one_unbroken_chain(tmp_path):
    result = run_on_sqlite_file(
        ["-m", "tests.audit.concurrent_appends", str(THREADS), str(EACH)], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "errors: []" in result.stdout
    assert f"seqs: {list(range(1, TOTAL + 1))}" in result.stdout
    assert f"Audit chain intact: {TOTAL} events" in result.stdout
