"""Freezing a report at approval: what was approved, kept byte for byte."""

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from safeguards import canonical
from safeguards.audit.record import record
from safeguards.reviews.models import StepKind, WorkflowStep

from .assemble import assemble
from .data import report_input
from .models import ReportVersion
from .pdf import letterhead, render_pdf


def _approval_time(assessment, approved_by):
    """The time of the approval step if the caller has just written it, so the report, the
    step and the version agree to the microsecond; else now."""
    last = WorkflowStep.objects.filter(assessment_id=assessment.pk).order_by("-at", "-pk").first()
    if last is not None and last.kind == StepKind.APPROVED and last.user_id == approved_by.pk:
        return last.at
    return timezone.now()


def freeze_report(assessment, approved_by) -> ReportVersion:
    """Assemble, render and store the approved report as the assessment's next version.

    Called by the approval step inside its transaction; returns the new ReportVersion. Nothing
    is written until the PDF is made, so a failed rendering leaves no partial version behind
    (and the caller's transaction rolls back the approval with it).
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "freeze_report() must run inside the approval's transaction."
        )
    approved_at = _approval_time(assessment, approved_by)
    latest = ReportVersion.objects.filter(assessment_id=assessment.pk).aggregate(n=Max("number"))
    number = (latest["n"] or 0) + 1
    report = assemble(
        report_input(
            assessment, report_version=number, approved_by=approved_by, approved_at=approved_at
        )
    )
    data = report.as_dict()
    pdf = render_pdf(data, archival=True, **letterhead(assessment.office))
    version = ReportVersion.objects.create(
        office_id=assessment.office_id,
        assessment_id=assessment.pk,
        number=number,
        canonical_json=canonical.canonical_json(data).decode(),
        fingerprint=report.fingerprint,
        pdf=pdf,
        pdf_sha256=canonical.sha256_hex(pdf),
        approved_by=approved_by,
        approved_by_username=approved_by.get_username(),
        approved_at=approved_at,
    )
    record(
        "report.frozen",
        actor=approved_by,
        office=assessment.office_id,
        target=version,
        assessment=assessment.pk,
        after={
            "number": number,
            "fingerprint": version.fingerprint,
            "pdf_sha256": version.pdf_sha256,
        },
    )
    return version
