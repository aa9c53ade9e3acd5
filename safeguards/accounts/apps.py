from django.apps import AppConfig


def drop_unread_messages(sender, request, **kwargs):
    """Messages travel in a cookie (settings.MESSAGE_STORAGE), which signing out does not
    clear: those left unread must not be shown to the next person on the same browser."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        for _ in storage:  # read: not written back (the cookie is deleted)
            pass


class AccountsConfig(AppConfig):
    name = "safeguards.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        user_logged_in.connect(drop_unread_messages, dispatch_uid="drop-unread-messages-in")
        user_logged_out.connect(drop_unread_messages, dispatch_uid="drop-unread-messages-out")
