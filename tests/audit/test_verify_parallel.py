"""verify_audit in several processes: needs a database file other processes can open, so these
tests run the commands in a child process against a fresh SQLite file."""

import sqlite3
from pathlib import Path

import pytest

from safeguards.audit import triggers
from tests.child import run_on_sqlite_file

EVENTS = 3000

FILL = f"""
import django; django.setup()
from safeguards.audit.bulk import append_many
events = ({{"action": "test.filled", "target_type": "x", "target_id": n}} for n in range({EVENTS}))
append_many(events)
"""


def manage(data_dir: Path, *args: str):
    return run_on_sqlite_file(list(args), data_dir, timeout=120)


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("verify-parallel")
    assert manage(data_dir, "manage.py", "migrate", "--noinput").returncode == 0
    filled = manage(data_dir, "-c", FILL)
    assert filled.returncode == 0, filled.stderr
    return data_dir


def verify(data_dir):
    return manage(
        data_dir, "manage.py", "verify_audit", "--jobs", "3", "--parallel-min", "1", "-v", "2"
    )


def tamper(data_dir, *statements):
    database = sqlite3.connect(data_dir / "safeguards.sqlite3")
    for statement in triggers.SQLITE_UNINSTALL:
        database.execute(statement)
    for statement in statements:
        database.execute(statement)
    database.commit()
    database.close()


@pytest.fixture
def copy_of(chain_file, tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    name = "safeguards.sqlite3"
    (target / name).write_bytes((chain_file / name).read_bytes())
    return target


def test_three_processes_verify_an_intact_chain(chain_file):
    result = verify(chain_file)
    assert result.returncode == 0, result.stderr
    assert f"Audit chain intact: {EVENTS} events" in result.stdout
    assert "3 job(s)" in result.stdout


@pytest.mark.parametrize("seq", [5, 1000, 1001, 2999])
def test_a_changed_event_in_any_stretch_is_named(copy_of, seq):
    tamper(copy_of, f"UPDATE audit_event SET action = 'test.edited' WHERE seq = {seq}")
    result = verify(copy_of)
    assert result.returncode == 1
    assert f"broken at event {seq}:" in result.stderr
    assert "a field was changed" in result.stderr


@pytest.mark.parametrize("seq", [1000, 2000])
def test_an_event_deleted_at_a_stretch_boundary_is_named(copy_of, seq):
    tamper(copy_of, f"DELETE FROM audit_event WHERE seq = {seq}")
    result = verify(copy_of)
    assert result.returncode == 1
    assert f"broken at event {seq}:" in result.stderr
