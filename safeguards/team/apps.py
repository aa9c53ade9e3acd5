from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "safeguards.team"
    label = "team"
    verbose_name = "Team work"
