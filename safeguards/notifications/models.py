"""In-app notifications, and the e-mails that carry them (queued, so a failure can be retried)."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    # Not enforced as choices on the column: other apps add their own kinds without a migration.
    ASSIGNED = "assigned", "Assigned to you"
    NOTE_RAISED = "note_raised", "Review note raised"
    NOTE_REPLIED = "note_replied", "Review note answered"
    NOTE_CLEARED = "note_cleared", "Review note cleared"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned to draft"
    APPROVED = "approved", "Approved"
    DUE_SOON = "due_soon", "Due soon"
    DUE = "due", "Due"
    MEMBERSHIP = "membership", "Your membership"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    office = models.ForeignKey(
        "accounts.Office", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the list: one user's notifications, newest first.
            models.Index(
                fields=["user", "read_at", "-created_at"], name="notification_user_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_label(self) -> str:
        try:
            return Kind(self.kind).label
        except ValueError:
            return self.kind.replace("_", " ").capitalize()


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class OutgoingEmail(models.Model):
    """One e-mail to one address. Sent after the action's transaction commits; a failure leaves
    it queued with the error and a time for the next attempt (`send_queued_email`)."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing e-mail"
        indexes = [
            # The retry run: queued e-mails whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="email_queue_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmailStatus.values), name="email_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class Reminder(models.Model):
    """A due-date reminder that went out: one row per person, thing, due date and stage, so a
    reminder run repeated (twice a day, or after a crash) never sends the same one again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    # What it was about: "team.assignment:12", "followup.recommendation:7"
    subject_key = models.CharField(max_length=80)
    due_date = models.DateField()
    stage = models.CharField(max_length=20)  # reminders.STAGES
    sent_on = models.DateField()
    notification = models.ForeignKey(
        Notification, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_key", "due_date", "stage"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} reminder of {self.subject_key} (due {self.due_date})"
