"""Site staff see the e-mail queue here: what failed, why, and when it is tried again."""

from django.contrib import admin, messages

from .mail import send_emails
from .models import EmailStatus, Notification, OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "notification",
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Try sending the selected e-mails again now")
    def retry_now(self, request, queryset):
        emails = list(queryset.exclude(status=EmailStatus.SENT))
        for email in emails:
            email.status = EmailStatus.QUEUED
        sent, failed = send_emails(emails)
        level = messages.SUCCESS if not failed else messages.WARNING
        self.message_user(request, f"{sent} sent, {failed} failed.", level)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "office", "kind", "subject", "body", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False
