from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "safeguards.notifications"
    label = "notifications"
    verbose_name = "Notifications"
