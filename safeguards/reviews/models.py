"""Deployments under review, their assessments, answers and evidence."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from safeguards import scoring


class Deployment(models.Model):
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    operator = models.CharField("operator or agency", max_length=200)
    vendor = models.CharField(max_length=200, blank=True)
    technology = models.CharField(max_length=200, blank=True)
    contract_reference = models.CharField(max_length=200, blank=True)
    contract_value = models.DecimalField(
        "contract value (USD)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField("contract period start", null=True, blank=True)
    period_end = models.DateField("contract period end", null=True, blank=True)
    units_with_access = models.TextField(blank=True)
    purposes = models.TextField("stated purposes", blank=True)
    data_sources = models.TextField(blank=True)
    connected_systems = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # The deployments list: one office's deployments by name.
            models.Index(fields=["office", "name"], name="deployment_office_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:deployment", args=[self.pk])


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class Assessment(models.Model):
    # The office is copied from the deployment so access checks need no join.
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="assessments")
    framework_version = models.ForeignKey(
        "catalog.FrameworkVersion", on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    as_of = models.DateField("as of")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        indexes = [
            # The assessments list and home page: one office's assessments, newest first.
            models.Index(fields=["office", "-as_of"], name="assessment_office_asof"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:assessment", args=[self.pk])


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("catalog.Criterion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20,
        choices=[(status, scoring.STATUS_LABELS[status]) for status in scoring.STATUSES],
        default=scoring.NOT_ASSESSED,
    )
    rationale = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="answers")
    # Raised on every save; a save based on an older number is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="answer_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.status}"


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    WEB_PAGE = "web_page", "Web page"
    QUOTATION = "quotation", "Quotation"
    CORRESPONDENCE = "correspondence", "Correspondence"
    FILE = "file", "File"


class Evidence(models.Model):
    """A source that supports answers; belongs to a deployment so re-assessments can reuse it."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    url = models.URLField("source URL", max_length=1000, blank=True)
    citation = models.CharField("citation (page or section)", max_length=300, blank=True)
    excerpt = models.TextField(blank=True)
    retrieved_on = models.DateField("retrieval date", null=True, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    file_name = models.CharField("original file name", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:evidence", args=[self.pk])


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to draft"
    APPROVED = "approved", "Approved"
    REOPENED = "reopened", "Reopened"


class WorkflowStep(models.Model):
    """One step of an assessment's workflow, with who took it and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.username}"
