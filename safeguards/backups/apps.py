from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "safeguards.backups"
    label = "backups"
