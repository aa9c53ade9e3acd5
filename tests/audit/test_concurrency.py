"""Writers appending at the same time queue up on the chain head: one chain, no gaps."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection

from safeguards.audit.chain import GENESIS, event_hash
from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain

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
    env = {**os.environ, "SAFEGUARDS_DATA_DIR": str(tmp_path), "SAFEGUARDS_SECRET_KEY": "test"}
    env["DJANGO_SETTINGS_MODULE"] = "safeguards.settings"
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.audit.concurrent_appends", str(THREADS), str(EACH)],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "errors: []" in result.stdout
    assert f"seqs: {list(range(1, TOTAL + 1))}" in result.stdout
    assert f"Audit chain intact: {TOTAL} events" in result.stdout
