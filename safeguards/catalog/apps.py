from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "safeguards.catalog"
    label = "catalog"
