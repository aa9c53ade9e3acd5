"""The database itself refuses to change or remove an event (SQLite and PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguards.audit.models import Event
from safeguards.audit.record import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(office):
    with transaction.atomic():
        return record("office.created", office=office, after={"name": office.name})


def run_sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_trigger_rejects_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE audit_event SET action = %s WHERE seq = %s", ["office.renamed", event.seq])
    assert Event.objects.get().action == "office.created"


def test_trigger_rejects_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_event WHERE seq = %s", [event.seq])
    assert Event.objects.count() == 1


def test_trigger_rejects_delete_of_whole_table(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_event")
    assert Event.objects.count() == 1


def test_migrate_reinstalls_dropped_triggers(event):
    from django.core.management import call_command

    from safeguards.audit import triggers

    triggers.uninstall(connection)
    call_command("migrate", "audit", verbosity=0)
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_event")
