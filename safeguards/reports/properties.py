"""The verification's one-line-per-property account: fingerprint, audit-chain anchor, signature,
signer and timestamp (DESIGN.md section 11), for the verify page and `verify_report`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from safeguards.audit.chain import event_hash
from safeguards.audit.models import Event

from . import disclosure, signing

VALID, INVALID, UNKNOWN, NONE = "valid", "invalid", "unknown", "none"
LABELS = {VALID: "valid", INVALID: "invalid", UNKNOWN: "unknown", NONE: "none"}


@dataclass(frozen=True)
class Property:
    name: str
    state: str  # VALID, INVALID, UNKNOWN or NONE
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.state]

    def line(self) -> str:
        return f"{self.name}: {self.label} — {self.text}"


def fingerprint_property(problems: list[str], fingerprint: str, matched: bool) -> Property:
    if problems:
        return Property("Fingerprint", INVALID, problems[0])
    if matched:
        return Property(
            "Fingerprint",
            VALID,
            f"{fingerprint} recomputes from the content and is an approved version's.",
        )
    return Property(
        "Fingerprint",
        UNKNOWN,
        f"{fingerprint} recomputes from the content, but no approved version here has it.",
    )


def anchor_property(data: dict, disclosed: bool) -> Property:
    """The report's `audit.head` is an event of this installation's chain, for this
    assessment, whose own hash still recomputes, with the stated number of events up to it."""
    audit = data.get("audit") or {}
    head = audit.get("head")
    if not head:
        return Property("Audit-chain anchor", NONE, "the report names no audit event.")
    event = Event.objects.filter(hash=head).first()
    if event is None:
        return Property(
            "Audit-chain anchor",
            UNKNOWN,
            f"event {head[:16]}… is not in this installation's audit chain.",
        )
    assessment_id = (data.get("assessment") or {}).get("id")
    recomputed = event_hash(event.prev_hash, event.hashed_fields())
    count = Event.objects.filter(assessment_id=event.assessment_id, seq__lte=event.seq).count()
    if (
        recomputed != event.hash
        or event.assessment_id != assessment_id
        or count != audit.get("events")
    ):
        return Property(
            "Audit-chain anchor",
            INVALID,
            f"event {head[:16]}… exists but does not match the report (its assessment, its "
            "event count, or its own hash differ): run `manage.py verify_audit`.",
        )
    where = (
        f"event #{event.seq} ({event.action}, {event.at:%Y-%m-%d %H:%M} UTC)"
        if disclosed
        else ("an event")
    )
    return Property(
        "Audit-chain anchor",
        VALID,
        f"{where} of this installation's audit chain; {count} event(s) of this assessment "
        "up to it.",
    )


def tsa_certificates() -> list[str]:
    """PEM text of the time-stamping authorities trusted (SAFEGUARDS_TSA_CERTS, a file)."""
    path = getattr(settings, "SAFEGUARDS_TSA_CERTS", "")
    if not path:
        return []
    try:
        return [Path(path).read_text()]
    except OSError:
        return []


def office_certificates(office_id: int | None) -> list[str]:
    if office_id is None:
        return []
    from safeguards.signing.models import SigningCertificate

    return list(
        SigningCertificate.objects.filter(office_id=office_id).values_list(
            "certificate_pem", flat=True
        )
    )


def signature_properties(
    report: signing.SignatureReport, office_name: str | None
) -> list[Property]:
    office = office_name or "the issuing office"
    whose = f"{office}'s"
    if report.state == signing.UNSIGNED:
        return [
            Property(
                "Signature",
                NONE,
                "this PDF carries no signature (versions approved "
                "before signing began are unsigned).",
            ),
            Property("Signer", NONE, "no signer."),
            Property("Timestamp", NONE, "no timestamp."),
        ]
    lines = []
    if report.state == signing.VALID:
        lines.append(
            Property(
                "Signature",
                VALID,
                f"PAdES {report.level}; the signed bytes are unchanged"
                + ("; later revisions only add timestamps." if report.level == "B-LTA" else "."),
            )
        )
        lines.append(
            Property(
                "Signer",
                VALID,
                f"{report.signer} — {whose} signing certificate "
                f"(SHA-256 {report.signer_sha256[:16]}…).",
            )
        )
    elif report.state == signing.UNKNOWN_SIGNER:
        lines.append(
            Property(
                "Signature",
                UNKNOWN,
                "the signed bytes are unchanged, but the signer is unknown: not "
                f"{whose} certificate.",
            )
        )
        lines.append(
            Property(
                "Signer",
                UNKNOWN,
                f"{report.signer or 'unnamed'} (certificate SHA-256 "
                f"{report.signer_sha256[:16]}…) is not a certificate of {office}.",
            )
        )
    else:
        lines.append(
            Property("Signature", INVALID, report.problem or "the signature does not verify.")
        )
        lines.append(
            Property(
                "Signer",
                UNKNOWN,
                f"{report.signer or 'unknown'}; an invalid signature "
                "proves nothing about who made the file.",
            )
        )
    lines.extend(timestamp_properties(report))
    return lines


def timestamp_properties(report: signing.SignatureReport) -> list[Property]:
    if not report.timestamps:
        when = (
            f" The time the signer's clock gave is {report.signed_at:%Y-%m-%d %H:%M:%S} UTC."
            if report.signed_at
            else ""
        )
        return [
            Property(
                "Timestamp",
                NONE,
                f"no time-stamping server vouched for the time (PAdES B-B).{when}",
            )
        ]
    lines = []
    for stamp in report.timestamps:
        kind = "signature timestamp" if stamp.kind == "signature" else "document timestamp"
        if not stamp.intact:
            lines.append(Property("Timestamp", INVALID, f"the {kind} does not match the file."))
            continue
        trust = (
            "a trusted authority"
            if stamp.trusted
            else "an authority not in this server's trust list"
        )
        lines.append(
            Property(
                "Timestamp",
                VALID if stamp.trusted else UNKNOWN,
                f"{stamp.at:%Y-%m-%d %H:%M:%S} UTC ({kind}) from {stamp.authority}, {trust}.",
            )
        )
    return lines


def version_property(data: dict) -> Property:
    """Which version the file is: complete, restricted (with disclosures) or public."""
    kind = disclosure.version_kind(data)
    count, reasons = disclosure.withheld_summary(data)
    why = "; ".join(f"{reason}: {n}" for reason, n in reasons)
    if kind == "complete":
        return Property("Version", VALID, "complete: nothing in this report is restricted.")
    if kind == "public":
        return Property(
            "Version",
            VALID,
            f"public version: withholds {count} item(s) ({why}); same fingerprint and "
            "signature as the restricted version.",
        )
    problems = disclosure.problems(data)
    if problems:
        return Property("Version", INVALID, problems[0])
    return Property(
        "Version",
        VALID,
        f"restricted version: carries {count} restricted item(s) ({why}), each disclosure "
        "hashes to its digest.",
    )
