from django.apps import AppConfig


class RestrictedConfig(AppConfig):
    name = "safeguards.restricted"
    label = "restricted"
    verbose_name = "Restricted values and public versions"
