"""Frozen report versions: what was approved, byte for byte."""

from django.conf import settings
from django.db import models


class ReportVersion(models.Model):
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.PROTECT, related_name="report_versions"
    )
    number = models.PositiveIntegerField()
    canonical_json = models.TextField()
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_username = models.CharField(max_length=150)
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="report_version_number_unique"
            ),
        ]
        indexes = [
            # The verification page: look a report up by its fingerprint or its PDF's hash.
            models.Index(fields=["fingerprint"], name="report_version_fingerprint"),
            models.Index(fields=["pdf_sha256"], name="report_version_pdf_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — version {self.number}"
