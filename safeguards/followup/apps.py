from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "safeguards.followup"
    label = "followup"
    verbose_name = "Follow-up"
