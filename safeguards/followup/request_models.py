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


class Position(models.TextChoices):
    CONCUR = "concur", "Concurs"
    PARTIALLY_CONCUR = "partially_concur", "Partially concurs"
    NON_CONCUR = "non_concur", "Does not concur"


class DraftForComment(models.Model):
    """A frozen draft report sent to the operator, and their comments with the office's replies."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="drafts_for_comment"
    )
    fingerprint = models.CharField(max_length=64)
    content = models.TextField()  # the draft report's canonical JSON, as frozen
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts_for_comment",
    )
    sent_on = models.DateField(null=True, blank=True)
    overall_comment = models.TextField(blank=True)
    overall_reply = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-frozen_at", "-pk"]

    def __str__(self) -> str:
        return f"Draft for comment {self.pk} of {self.assessment_id}"

    def get_absolute_url(self) -> str:
        return reverse("followup:draft_comment", args=[self.pk])


class RecommendationComment(models.Model):
    """The operator's comment on one recommendation of the draft (by criterion), verbatim."""

    draft = models.ForeignKey(DraftForComment, on_delete=models.CASCADE, related_name="comments")
    criterion_code = models.CharField(max_length=40)
    recommendation_text = models.TextField()
    position = models.CharField(max_length=20, choices=Position.choices, blank=True)
    comment = models.TextField(blank=True)
    reply = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "criterion_code"], name="comment_per_rec"),
            models.CheckConstraint(
                condition=models.Q(position__in=["", *Position.values]),
                name="comment_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code}: {self.position}"
