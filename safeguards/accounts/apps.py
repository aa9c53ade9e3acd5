from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguards.accounts"
    label = "accounts"
