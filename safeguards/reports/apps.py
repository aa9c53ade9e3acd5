from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeguards.reports"
    label = "reports"
