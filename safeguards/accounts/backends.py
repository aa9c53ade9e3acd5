"""Django's model backend, loading the signed-in user with their unread notification count.

Every page shows that count in the header; reading it with the user row the session already
loads costs no query of its own.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery


class UserWithCountsBackend(ModelBackend):
    def get_user(self, user_id):
        from safeguards.notifications.models import Notification

        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            self.user_model_default_manager()
            .annotate(unread_notifications=Subquery(unread, output_field=IntegerField()))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_model_default_manager(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager
