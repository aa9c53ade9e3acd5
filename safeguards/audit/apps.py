from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguards.audit"
    label = "audit"
