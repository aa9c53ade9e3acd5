"""Freezing a report at approval: what was approved, kept byte for byte.

An approval renders and signs its PDF without holding the database's write lock
(reviews/workflow.py `approve`): the report is assembled inside a rehearsal of the approval's
writes (`assemble_frozen`, rolled back), sealed, rendered and signed outside any transaction
(`prepare`), and stored inside the real transaction only if it assembles to the same report
there (`freeze_report`); else `ReportChanged` and the approval starts over. The report's audit
anchor is the assessment's history up to the approval, so unrelated writes elsewhere in the
chain do not change it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from safeguards import canonical
from safeguards.audit.record import record
from safeguards.reviews.models import StepKind, WorkflowStep

from . import disclosure
from .assemble import assemble, fingerprint_of
from .data import audit_anchor, report_input
from .models import ReportVersion
from .pdf import letterhead, render_pdf
from .signing import sign_pdf


class ReportChanged(Exception):
    """The report assembled inside the lock differs from the one rendered before it."""


@dataclass(frozen=True)
class Draft:
    """The approved report as assembled inside an approval's transaction, before sealing:
    what the render needs, and what the store compares."""

    number: int
    approved_at: datetime
    data: dict
    marks: disclosure.Marks
    certificate_sha256: str | None  # the office's active certificate, None if it has none


@dataclass(frozen=True)
class Prepared:
    """A draft sealed, rendered and signed: the rows to store if nothing changed."""

    draft: Draft
    data: dict  # sealed: restricted values replaced by salted digests
    pdf: bytes
    public_pdf: bytes | None
    signature: dict
    # A first key, made in memory for an office without one: (key_id, key, certificate).
    new_key: tuple | None = None


def _approval_time(assessment, approved_by):
    """The time of the approval step if the caller has just written it, so the report, the
    step and the version agree to the microsecond; else now."""
    last = WorkflowStep.objects.filter(assessment_id=assessment.pk).order_by("-at", "-pk").first()
    if last is not None and last.kind == StepKind.APPROVED and last.user_id == approved_by.pk:
        return last.at
    return timezone.now()


def assemble_frozen(assessment, approved_by, approved_at, anchor=None) -> Draft:
    """The report this approval freezes, as the database stands in the caller's transaction.
    `anchor`: the assessment's (events, head) taken before the approval wrote its own."""
    from safeguards.restricted.marks import marks_for
    from safeguards.signing.keys import active_certificate

    latest = ReportVersion.objects.filter(assessment_id=assessment.pk).aggregate(n=Max("number"))
    number = (latest["n"] or 0) + 1
    report = assemble(
        report_input(
            assessment,
            report_version=number,
            approved_by=approved_by,
            approved_at=approved_at,
            anchor=anchor,
        )
    )
    certificate = active_certificate(assessment.office)
    return Draft(
        number=number,
        approved_at=approved_at,
        data=report.as_dict(),
        marks=marks_for(assessment),
        certificate_sha256=certificate.sha256 if certificate else None,
    )


def prepare(draft: Draft, office) -> Prepared:
    """Seal, render and sign `draft` (the time-stamping server asked, if one is set). Needs no
    transaction: an office without a certificate gets a key made in memory, kept only when the
    approval commits (`freeze_report`)."""
    from safeguards.signing import keys

    # Restricted values become salted digests (disclosure.py); the fingerprint then covers
    # the sealed document without its disclosures, the same for both versions. The salts are
    # random, so this is done once, here, and stored as it is.
    data = draft.data
    if draft.marks:
        data = disclosure.seal(data, draft.marks)
        data["fingerprint"] = fingerprint_of(data)
    new_key = None
    if draft.certificate_sha256 is None:
        new_key = keys.new_key(office)
        key, certificate_pem = new_key[1], keys.pem_of(new_key[2])
        signature = {"certificate_sha256": keys.sha256_of(new_key[2])}
    else:
        certificate = keys.active_certificate(office)
        if certificate is None or certificate.sha256 != draft.certificate_sha256:
            raise ReportChanged("the office's signing certificate changed")
        key, certificate_pem = keys.load_private_key(certificate), certificate.certificate_pem
        signature = {"certificate_sha256": certificate.sha256}
    tsa_url = settings.SAFEGUARDS_TSA_URL or None
    signature["level"] = "B-T" if tsa_url else "B-B"
    head = letterhead(office)

    def signed(rendered: bytes) -> bytes:
        return sign_pdf(
            rendered,
            certificate_pem=certificate_pem,
            private_key=key,
            signer_name=office.name,
            reason=f"Approved version {draft.number} of the report, fingerprint "
            f"{data['fingerprint']}",
            location=office.address_line,
            tsa_url=tsa_url,
            stamp_line=f"Report version {draft.number}, fingerprint {data['fingerprint'][:16]}…",
        )

    pdf = signed(render_pdf(data, archival=True, **head))
    public_pdf = None
    if disclosure.DISCLOSURES in data:
        public_pdf = signed(render_pdf(disclosure.public(data), archival=True, **head))
    return Prepared(
        draft=draft,
        data=data,
        pdf=pdf,
        public_pdf=public_pdf,
        signature=signature,
        new_key=new_key,
    )


def discard(prepared: Prepared | None) -> None:
    """After a failed approval: remove the key file a first key may have left."""
    if prepared is not None and prepared.new_key is not None:
        from safeguards.signing.keys import discard_key_file

        discard_key_file(prepared.new_key[0])


def freeze_report(
    assessment, approved_by, prepared: Prepared | None = None, anchor=None
) -> ReportVersion:
    """Store the approved report as the assessment's next version; returns it.

    Runs inside the approval's transaction. With `prepared` (made by `prepare` before the
    lock) the report is assembled again and stored with the prepared PDFs if it is the same,
    else `ReportChanged` is raised and nothing is written. Without, the report is assembled,
    rendered and signed here (standalone use). Nothing is written until the PDF is made, so a
    failed rendering leaves no partial version behind.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "freeze_report() must run inside the approval's transaction."
        )
    if prepared is None:
        if anchor is None:
            anchor = audit_anchor(assessment.pk)
        draft = assemble_frozen(
            assessment, approved_by, _approval_time(assessment, approved_by), anchor
        )
        prepared = prepare(draft, assessment.office)
    elif assemble_frozen(assessment, approved_by, prepared.draft.approved_at, anchor) != (
        prepared.draft
    ):
        raise ReportChanged("the report changed while it was rendered")
    if prepared.new_key is not None:
        from safeguards.signing.keys import store_generated

        key_id, key, certificate = prepared.new_key
        store_generated(assessment.office, key, certificate, key_id)
    data, number = prepared.data, prepared.draft.number
    pdf, public_pdf = prepared.pdf, prepared.public_pdf
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
        approved_at=prepared.draft.approved_at,
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
            "signature": prepared.signature,
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
