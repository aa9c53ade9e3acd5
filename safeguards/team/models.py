"""Splitting an assessment's work (assignments) and the four-eyes review of single answers
(review notes, and marks that an edited answer was looked at again)."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Assignment(models.Model):
    """One category of an assessment given to one person; it guides the work, it locks nothing."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.CASCADE, related_name="assignments"
    )
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    due_date = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "category"], name="assignment_one_per_category"
            ),
        ]
        indexes = [
            # My work: one person's assignments by due date.
            models.Index(fields=["assignee", "due_date"], name="assignment_assignee_due"),
        ]

    def __str__(self) -> str:
        return f"{self.category.code} → {self.assignee}"


class NoteWaiting(models.TextChoices):
    REPLY = "reply", "Waiting for an answer"
    CLEARING = "clearing", "Waiting to be cleared"
    CLEARED = "cleared", "Cleared"


class ReviewNote(models.Model):
    """A second reader's question on one answer: raised, answered, cleared by its author.
    Working papers: in the history and the backup, never in the report."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.CASCADE, related_name="review_notes"
    )
    answer = models.ForeignKey("reviews.Answer", on_delete=models.CASCADE, related_name="notes")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by_name = models.CharField(max_length=150)
    text = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    waiting = models.CharField(
        max_length=10, choices=NoteWaiting.choices, default=NoteWaiting.REPLY
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(waiting__in=NoteWaiting.values), name="note_waiting_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(waiting="cleared", cleared_at__isnull=False)
                | (~models.Q(waiting="cleared") & models.Q(cleared_at__isnull=True)),
                name="note_cleared_has_time",
            ),
        ]
        indexes = [
            # Open notes of an assessment (overview count, approval check).
            models.Index(fields=["assessment", "waiting"], name="note_assessment_waiting"),
            # My work: notes I raised that wait for my clearing.
            models.Index(fields=["raised_by", "waiting"], name="note_author_waiting"),
        ]

    def __str__(self) -> str:
        return f"Note on {self.answer_id}: {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("team:notes", args=[self.assessment_id]) + f"#note-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.waiting != NoteWaiting.CLEARED


class NoteReply(models.Model):
    note = models.ForeignKey(ReviewNote, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "note replies"

    def __str__(self) -> str:
        return f"Reply by {self.author_name}"


class ReviewMark(models.Model):
    """Someone other than its last editor looked at an answer edited after review again."""

    assessment = models.ForeignKey("reviews.Assessment", on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey("reviews.Answer", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["answer", "at"], name="reviewmark_answer_at")]

    def __str__(self) -> str:
        return f"Reviewed {self.answer_id} at {self.at}"
