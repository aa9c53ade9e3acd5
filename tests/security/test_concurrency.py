"""Concurrency without loss: several people save the same assessment page at once.

No 500s, no "database is locked", every accepted save is in the database and the audit
trail, every refused one was shown to its author as a conflict (409) and left no trace,
and the audit chain still verifies. On SQLite against a database file in a child process,
on PostgreSQL in this process (see concurrent_saves.py for why).
"""

import json

import pytest
from django.db import close_old_connections, connection

from tests.child import run_on_sqlite_file

from .concurrent_saves import run

WRITERS = 4
ROUNDS = 4

pytestmark = pytest.mark.slow


def check(result: dict) -> None:
    saves = result["saves"]
    assert result["errors"] == []
    assert len(saves) == WRITERS * ROUNDS
    assert {save["get"] for save in saves} == {200}
    assert {save["status"] for save in saves} <= {302, 409}, "only saves and conflicts"
    accepted = [save for save in saves if save["status"] == 302]
    refused = [save for save in saves if save["status"] == 409]
    # Round 0: everyone saved from the same page at the same moment, so exactly one won.
    assert sum(1 for save in accepted if save["round"] == 0) == 1
    assert all(save["conflict_shown"] for save in refused), "every conflict told its author"
    # Every accepted save left exactly one audit event; no refused one left any.
    events = result["event_rationales"]
    assert sorted(events) == sorted(save["rationale"] for save in accepted)
    # Nobody's accepted answer was overwritten by anyone else: each writer's own answer
    # holds their last accepted save (or nothing, if none of theirs got through).
    for writer in range(WRITERS):
        theirs = [save for save in accepted if save["writer"] == writer]
        expected = max(theirs, key=lambda save: save["round"])["rationale"] if theirs else ""
        assert result["final"][str(writer)] == expected
    assert result["audit"].startswith("Audit chain intact")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the next test")
def test_concurrent_saves_lose_nothing_on_postgresql(transactional_db):
    result = run(WRITERS, ROUNDS)
    close_old_connections()
    check(result)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the test above")
def test_concurrent_saves_lose_nothing_on_a_sqlite_file(tmp_path):
    child = run_on_sqlite_file(
        ["-m", "tests.security.concurrent_saves", str(WRITERS), str(ROUNDS)], tmp_path, timeout=300
    )
    assert child.returncode == 0, child.stderr
    assert "database is locked" not in child.stderr
    assert "Internal Server Error" not in child.stderr
    check(json.loads(child.stdout.strip().splitlines()[-1]))
