"""Numbering under concurrent approvals: two approvals at once never get the same number."""

import json

import pytest
from django.db import close_old_connections, connection

from tests.child import run_on_sqlite_file

from .concurrent_approvals import run

APPROVALS = 4
PER_APPROVAL = 3  # gaps with a recommendation in answered_assessment()

pytestmark = pytest.mark.slow


def check(result: dict) -> None:
    assert result["errors"] == []
    numbers = [number for number, _ in result["numbers"]]
    serials = [serial for _, serial in result["numbers"]]
    assert len(numbers) == APPROVALS * PER_APPROVAL
    assert len(set(numbers)) == len(numbers), "a number was given twice"
    assert serials == list(range(1, len(numbers) + 1)), "no gaps, no reuse"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the next test")
def test_concurrent_approvals_never_share_a_number_on_postgresql(transactional_db):
    result = run(APPROVALS)
    close_old_connections()
    check(result)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the test above")
def test_concurrent_approvals_never_share_a_number_on_a_sqlite_file(tmp_path):
    child = run_on_sqlite_file(
        ["-m", "tests.followup.concurrent_approvals", str(APPROVALS)], tmp_path, timeout=300
    )
    assert child.returncode == 0, child.stderr
    assert "database is locked" not in child.stderr
    check(json.loads(child.stdout.strip().splitlines()[-1]))
