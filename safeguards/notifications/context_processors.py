from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """The header's unread count: loaded with the user (accounts.backends), else one COUNT
    when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notifications", None)
    if count is not None or hasattr(user, "unread_notifications"):
        return {"unread_notifications": count or 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
