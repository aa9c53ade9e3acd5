"""The recommendations register, its status notes, and approval decisions (DESIGN.md §10)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from . import states


class RecommendationStatus(models.TextChoices):
    OPEN = states.OPEN, states.STATUS_LABELS[states.OPEN]
    RESOLVED = states.RESOLVED, states.STATUS_LABELS[states.RESOLVED]
    CLOSED_IMPLEMENTED = (
        states.CLOSED_IMPLEMENTED,
        states.STATUS_LABELS[states.CLOSED_IMPLEMENTED],
    )
    CLOSED_NOT_IMPLEMENTED = (
        states.CLOSED_NOT_IMPLEMENTED,
        states.STATUS_LABELS[states.CLOSED_NOT_IMPLEMENTED],
    )
    SUPERSEDED = states.SUPERSEDED, states.STATUS_LABELS[states.SUPERSEDED]


class AgencyResponse(models.TextChoices):
    CONCUR = states.CONCUR, states.RESPONSE_LABELS[states.CONCUR]
    PARTIALLY_CONCUR = states.PARTIALLY_CONCUR, states.RESPONSE_LABELS[states.PARTIALLY_CONCUR]
    NON_CONCUR = states.NON_CONCUR, states.RESPONSE_LABELS[states.NON_CONCUR]
    NO_RESPONSE = states.NO_RESPONSE, states.RESPONSE_LABELS[states.NO_RESPONSE]


class Priority(models.TextChoices):
    CONDITION = "condition", "Condition of approval"
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


PRIORITY_ORDER = {value: index for index, value in enumerate(Priority.values)}


class Kind(models.TextChoices):
    FINDING = "finding", "Finding"
    CONDITION = "condition", "Condition"


class Validity(models.TextChoices):
    SIX_MONTHS = "6_months", states.VALIDITY_LABELS["6_months"]
    ONE_YEAR = "1_year", states.VALIDITY_LABELS["1_year"]
    TWO_YEARS = "2_years", states.VALIDITY_LABELS["2_years"]
    THREE_YEARS = "3_years", states.VALIDITY_LABELS["3_years"]
    CONTRACT_END = states.CONTRACT_END, states.VALIDITY_LABELS[states.CONTRACT_END]


class NumberSeries(models.Model):
    """The last serial an office gave out in a year; its row is locked while numbering."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="number_series_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class Decision(models.Model):
    """An approval's decision: reservations (conditions) and how long it holds."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(
        "reviews.Deployment", on_delete=models.PROTECT, related_name="decisions"
    )
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="decisions"
    )
    report_version = models.OneToOneField(
        "reports.ReportVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
    )
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_username = models.CharField(max_length=150)
    validity = models.CharField(max_length=20, choices=Validity.choices, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reservations = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [
            # The deployment page and the portfolio: a deployment's latest decision.
            models.Index(fields=["deployment", "-decided_on"], name="decision_deployment_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(validity__in=["", *Validity.values]),
                name="decision_validity_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Decision of {self.decided_on} on {self.assessment_id}"

    @property
    def with_reservations(self) -> bool:
        return bool(self.reservations.strip()) or self.conditions.exists()

    def validity_state(self, today) -> str:
        return states.validity_state(self.valid_until, today)


class Recommendation(models.Model):
    """One numbered recommendation of an office, tracked to closure across assessments."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(
        "reviews.Deployment", on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FINDING)
    # The criterion in the framework version of `framework_version` (updated when carried
    # forward through a mapping); blank for a condition of approval.
    criterion_code = models.CharField(max_length=40, blank=True)
    criterion_title = models.CharField(max_length=300, blank=True)
    framework_version = models.ForeignKey(
        "catalog.FrameworkVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    priority = models.CharField(max_length=20, choices=Priority.choices)
    status = models.CharField(
        max_length=30, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    agency_response = models.CharField(
        max_length=20, choices=AgencyResponse.choices, default=AgencyResponse.NO_RESPONSE
    )
    agency_response_text = models.TextField(blank=True)
    agency_response_date = models.DateField(null=True, blank=True)
    agreed_action = models.TextField(blank=True)
    responsible_official = models.CharField(max_length=200, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # The member of the office who follows it up: reminded of its dates, shown under My work.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_recommendations",
    )
    opened_on = models.DateField()
    status_changed_on = models.DateField()
    origin_assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="+"
    )
    origin_version = models.ForeignKey(
        "reports.ReportVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    latest_assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="+"
    )
    # The approved re-assessment that scored the criterion met: closure is proposed, a person
    # closes it.
    closure_proposed_by = models.ForeignKey(
        "reviews.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="conditions"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    appears_in = models.ManyToManyField("reports.ReportVersion", blank=True, related_name="+")
    # Raised on every change; an edit based on an older number is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="recommendation_number"),
            models.UniqueConstraint(
                fields=["office", "year", "serial"], name="recommendation_serial"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecommendationStatus.values),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(agency_response__in=AgencyResponse.values),
                name="recommendation_response_valid",
            ),
        ]
        indexes = [
            # The register: one office's recommendations by status, in number order.
            models.Index(
                fields=["office", "status", "year", "serial"], name="recommendation_register"
            ),
            # Carry-forward at approval: a deployment's live recommendations by criterion.
            models.Index(fields=["deployment", "criterion_code"], name="recommendation_deployment"),
            # My work and the reminders: one person's live recommendations by target date.
            models.Index(
                fields=["owner", "status", "target_date"], name="recommendation_owner_due"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("followup:recommendation", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in states.LIVE

    def flags(self, today) -> dict[str, bool]:
        return {
            "overdue": states.is_overdue(self.status, self.target_date, today),
            "unresolved": states.is_unresolved_too_long(self.status, self.opened_on, today),
            "over_a_year": states.is_open_over_a_year(self.status, self.opened_on, today),
        }


class StatusNote(models.Model):
    """A dated entry in a recommendation's history: a note, a response, or a status change."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="notes"
    )
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_username = models.CharField(max_length=150)
    action = models.CharField(max_length=30, default="note")
    status_before = models.CharField(max_length=30, blank=True)
    status_after = models.CharField(max_length=30, blank=True)
    text = models.TextField(blank=True)
    evidence = models.ManyToManyField("reviews.Evidence", blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.on}: {self.action}"


class VersionSummary(models.Model):
    """What the portfolio needs of a frozen report version, read once at freezing time."""

    report_version = models.OneToOneField(
        "reports.ReportVersion", on_delete=models.CASCADE, related_name="followup_summary"
    )
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    deployment = models.ForeignKey("reviews.Deployment", on_delete=models.CASCADE, related_name="+")
    approved_at = models.DateTimeField()
    overall_score = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    verdict = models.CharField(max_length=40, blank=True)
    red_line_breaches = models.PositiveIntegerField(default=0)
    gaps = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["approved_at", "pk"]
        indexes = [
            # The portfolio: every version of an office's deployments in time order.
            models.Index(fields=["office", "deployment", "approved_at"], name="summary_portfolio"),
        ]

    def __str__(self) -> str:
        return f"Summary of {self.report_version_id}"


from .request_models import (  # noqa: E402, F401  (Django finds an app's models in models.py)
    Attachment,
    DraftForComment,
    InformationRequest,
    Question,
    RecommendationComment,
)
