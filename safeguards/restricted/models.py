"""Restricted marks on free-text values and evidence, the office's list of reasons, the public
PDF of each approved version, and which members see public versions only (DESIGN.md §11)."""

from django.db import models

# Offered until an office makes its own list (Django admin, "Restriction reasons").
DEFAULT_REASONS = (
    "FOIA exemption (b)(5): deliberative process",
    "FOIA exemption (b)(6): personal privacy",
    "FOIA exemption (b)(7)(C): law-enforcement privacy",
    "FOIA exemption (b)(7)(E): law-enforcement techniques",
    "Law-enforcement sensitive",
    "Agency request",
)


class AnswerField(models.TextChoices):
    RATIONALE = "rationale", "Rationale"
    RECOMMENDATION = "recommendation", "Recommendation"


class RestrictionReason(models.Model):
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.CASCADE, related_name="restriction_reasons"
    )
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["office", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["office", "label"], name="restriction_reason_unique")
        ]

    def __str__(self) -> str:
        return self.label


class AnswerRestriction(models.Model):
    answer = models.ForeignKey(
        "reviews.Answer", on_delete=models.CASCADE, related_name="restrictions"
    )
    field = models.CharField(max_length=20, choices=AnswerField.choices)
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "field"], name="answer_restriction_unique"),
            models.CheckConstraint(
                condition=models.Q(field__in=AnswerField.values), name="answer_restriction_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.field}: {self.reason}"


class EvidenceRestriction(models.Model):
    evidence = models.OneToOneField(
        "reviews.Evidence", on_delete=models.CASCADE, related_name="restriction"
    )
    reason = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"evidence {self.evidence_id}: {self.reason}"


class PublicVersion(models.Model):
    """The public PDF of an approved version that withholds something (signed like the
    restricted one; its embedded JSON has no disclosures)."""

    report_version = models.OneToOneField(
        "reports.ReportVersion", on_delete=models.PROTECT, related_name="public_version"
    )
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # The verification page looks a PDF up by its SHA-256.
            models.Index(fields=["pdf_sha256"], name="public_version_pdf_sha256"),
        ]

    def __str__(self) -> str:
        return f"public {self.report_version}"


class MemberSetting(models.Model):
    """Per member: limited to public versions (a viewer outside the need-to-know)."""

    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="disclosure_setting"
    )
    public_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.membership}: {'public only' if self.public_only else 'all versions'}"
