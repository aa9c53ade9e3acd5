"""Freezing a report at approval: what was approved, kept byte for byte."""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from safeguards import canonical
from safeguards.audit.record import record
from safeguards.reviews.models import StepKind, WorkflowStep

from . import disclosure
from .assemble import assemble, fingerprint_of
from .data import report_input
from .models import ReportVersion
from .pdf import letterhead, render_pdf
from .signing import sign_pdf


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
    # Restricted values become salted digests (disclosure.py); the fingerprint then covers
    # the sealed document without its disclosures, the same for both versions.
    data = seal_restricted(data, assessment)
    head = letterhead(assessment.office)
    pdf, signature = sign_frozen_pdf(
        render_pdf(data, archival=True, **head), assessment, number, data
    )
    public_pdf = None
    if disclosure.DISCLOSURES in data:
        public_pdf, _ = sign_frozen_pdf(
            render_pdf(disclosure.public(data), archival=True, **head), assessment, number, data
        )
    version = ReportVersion.objects.create(
        office_id=assessment.office_id,
        assessment_id=assessment.pk,
        number=number,
        canonical_json=canonical.canonical_json(data).decode(),
        fingerprint=data["fingerprint"],
        pdf=pdf,
        pdf_sha256=canonical.sha256_hex(pdf),
        approved_by=approved_by,
        approved_by_username=approved_by.get_username(),
        approved_at=approved_at,
    )
    # Imported here: the follow-up app builds on the reports app.
    from safeguards.followup.register import after_freeze

    after_freeze(assessment, version, data)
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
            "signature": signature,
            "withheld": disclosure.withheld_summary(data)[0],
            "public_pdf_sha256": canonical.sha256_hex(public_pdf) if public_pdf else None,
        },
    )
    if public_pdf is not None:
        from safeguards.restricted.models import PublicVersion

        PublicVersion.objects.create(
            report_version=version, pdf=public_pdf, pdf_sha256=canonical.sha256_hex(public_pdf)
        )
    return version


def seal_restricted(data: dict, assessment) -> dict:
    from safeguards.restricted.marks import marks_for

    marks = marks_for(assessment)
    if not marks:
        return data
    sealed = disclosure.seal(data, marks)
    sealed["fingerprint"] = fingerprint_of(sealed)
    return sealed


def sign_frozen_pdf(pdf: bytes, assessment, number: int, data: dict) -> tuple[bytes, dict]:
    """The rendered PDF signed by the office's certificate (made now if it has none)."""
    from safeguards.signing.keys import ensure_certificate, load_private_key

    office = assessment.office
    certificate = ensure_certificate(office)
    tsa_url = settings.SAFEGUARDS_TSA_URL or None
    signed = sign_pdf(
        pdf,
        certificate_pem=certificate.certificate_pem,
        private_key=load_private_key(certificate),
        signer_name=office.name,
        reason=f"Approved version {number} of the report, fingerprint {data['fingerprint']}",
        location=office.address_line,
        tsa_url=tsa_url,
        stamp_line=f"Report version {number}, fingerprint {data['fingerprint'][:16]}…",
    )
    return signed, {
        "certificate_sha256": certificate.sha256,
        "level": "B-T" if tsa_url else "B-B",
    }
