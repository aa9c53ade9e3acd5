"""Information requests to the operator, their questions and answers, and drafts sent for
comment (DESIGN.md §10). Imported by models.py, so Django sees them as the app's models."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    SENT = "sent", "Sent"
    SUBMITTED = "submitted", "Answered by the respondent"


class AnswerSource(models.TextChoices):
    RESPONDENT = "respondent", "Answered in Safeguards by the respondent"
    OFFICE = "office", "Recorded by the office from a letter or e-mail"
    IMPORT = "import", "Imported from the filled-in request file"


class InformationRequest(models.Model):
    """The questions of one assessment's undisclosed criteria, sent to a named recipient."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(
        "reviews.Deployment", on_delete=models.PROTECT, related_name="information_requests"
    )
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="information_requests"
    )
    number = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    recipient_name = models.CharField(max_length=200)
    recipient_organisation = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    sent_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    covering_letter = models.TextField()
    # The respondent account invited for this request (one person answers it in the app).
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="request_number"),
            models.UniqueConstraint(fields=["office", "year", "serial"], name="request_serial"),
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
        ]
        indexes = [
            # mark_overdue_requests: sent requests by due date.
            models.Index(fields=["status", "due_on"], name="request_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("followup:request", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT


class Question(models.Model):
    """One question of a request: numbered `<request>-Q<n>` among the questions kept."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField()
    n = models.PositiveIntegerField(null=True, blank=True)  # None: dropped, never sent
    criterion_code = models.CharField(max_length=40, blank=True)  # blank: a question added
    criterion_title = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    answer_text = models.TextField(blank=True)
    answer_source = models.CharField(max_length=20, choices=AnswerSource.choices, blank=True)
    answered_on = models.DateField(null=True, blank=True)  # received (None: not yet answered)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_response_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ForeignKey(
        "reviews.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "n"], name="question_number"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.request.number}-Q{self.n}" if self.n else "(dropped)"

    @property
    def sent(self) -> bool:
        return self.n is not None


class Attachment(models.Model):
    """A file given with an answer: checked and hashed like evidence, and evidence once the
    answer is in (submitted by the respondent, or recorded by the office)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="answers/%Y/%m/")
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    file_sha256 = models.CharField(max_length=64)
    file_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    evidence = models.ForeignKey(
        "reviews.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.file_name
