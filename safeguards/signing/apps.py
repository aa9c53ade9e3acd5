from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "safeguards.signing"
    label = "signing"
    verbose_name = "Signing keys"
