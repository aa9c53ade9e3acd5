from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def ensure_triggers(sender, using, **kwargs):
    """Re-create the append-only triggers after every migrate: on SQLite, any migration that
    rebuilds the events table drops them without a word."""
    from . import triggers
    from .models import Event

    connection = connections[using]
    if Event._meta.db_table in connection.introspection.table_names():
        triggers.install(connection)


class AuditConfig(AppConfig):
    name = "safeguards.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        post_migrate.connect(ensure_triggers, sender=self)
