"""Is this report one we approved? The answer for a fingerprint, a report PDF or a report JSON.

Shared by the verification page and `manage.py verify_report`. Outcomes and exit statuses:
matches (0) — intact and identical to an approved version (a signed PDF: its office signature
is valid); altered (1) — the file contradicts itself or the approved original, or its signature
is invalid or by an unknown signer; unmatched (2) — intact but no approved version here has it;
unreadable (2) — not a report at all. Each property (fingerprint, audit-chain anchor,
signature, signer, timestamp) is also reported on its own line (properties.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from safeguards import canonical

from . import properties, signing
from .check import Unreadable, check_report, embedded_json, parse_json
from .models import ReportVersion

MATCHES, ALTERED, UNMATCHED, UNREADABLE = "matches", "altered", "unmatched", "unreadable"
EXIT_STATUS = {MATCHES: 0, ALTERED: 1, UNREADABLE: 2, UNMATCHED: 2}
MIN_PREFIX = 16  # the footer of every PDF page shows the first 16 characters
_HEX = re.compile(r"^[0-9a-f]{16,64}$")


@dataclass
class Outcome:
    kind: str
    headline: str
    details: list[str] = field(default_factory=list)
    version: ReportVersion | None = None
    # False when the version belongs to an office the asker is not a member of.
    disclosed: bool = True
    properties: list[properties.Property] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return EXIT_STATUS[self.kind]


def _versions():
    return ReportVersion.objects.select_related("assessment__deployment", "office").defer(
        "pdf", "canonical_json"
    )


def describe(version: ReportVersion, office_ids: set[int] | None) -> tuple[str, bool]:
    """Who approved what, or only that it exists if the asker is not in the version's office.

    A fingerprint is only known to someone holding the report, so confirming that it was
    approved here tells them little; which deployment, office and people it concerns is
    withheld from non-members all the same. `office_ids` None means the server operator.
    """
    if office_ids is not None and version.office_id not in office_ids:
        # Only what the report itself says on its cover: who issued which version, when.
        return (
            f"It matches approved version {version.number} of a report issued by "
            f"{version.office.name} on {version.approved_at:%Y-%m-%d}. Its other details are "
            "shown only to members of that office.",
            False,
        )
    return (
        f"It matches approved version {version.number} of the report on "
        f"“{version.assessment.deployment.name}” (assessment “{version.assessment.title}”, "
        f"number {version.assessment_id}), approved by {version.approved_by_username} on "
        f"{version.approved_at:%Y-%m-%d at %H:%M} UTC. Fingerprint {version.fingerprint}.",
        True,
    )


def _matched(version: ReportVersion, office_ids, headline: str, details=()) -> Outcome:
    text, disclosed = describe(version, office_ids)
    return Outcome(MATCHES, headline, [text, *details], version if disclosed else None, disclosed)


def normalise(text: str) -> str:
    return re.sub(r"[\s:]", "", text).lower()


def verify_fingerprint(text: str, office_ids: set[int] | None = None) -> Outcome:
    """A pasted fingerprint (all 64 characters, or at least the 16 of a page footer), or the
    SHA-256 of an approved PDF file."""
    value = normalise(text)
    if not _HEX.match(value):
        return Outcome(
            UNREADABLE,
            "That is not a fingerprint.",
            ["A fingerprint is 64 characters 0–9 and a–f; a page footer shows its first 16."],
        )
    found = list(_versions().filter(fingerprint__startswith=value)[:2])
    if not found and len(value) == 64:
        found = list(_versions().filter(pdf_sha256=value)[:2])
    if len(found) > 1:
        return Outcome(
            UNREADABLE,
            "More than one approved report starts with these characters.",
            ["Paste the whole fingerprint from the report's cover page."],
        )
    if not found:
        return Outcome(
            UNMATCHED,
            "No approved report here has this fingerprint.",
            [
                "It may be a draft (drafts are never approved versions), a report from another "
                "installation, or the fingerprint was copied wrongly."
            ],
        )
    return _matched(found[0], office_ids, "This fingerprint belongs to an approved report.")


def verify_file(raw: bytes, office_ids: set[int] | None = None) -> Outcome:
    """A report PDF (matched by its SHA-256, or through the JSON inside it) or a report JSON."""
    try:
        if raw.startswith(b"%PDF-"):
            return _verify_pdf(raw, office_ids)
        return _verify_json_file(parse_json(raw), office_ids)
    except Unreadable as error:
        return Outcome(UNREADABLE, "This file cannot be verified.", [str(error)])


def _verify_pdf(raw: bytes, office_ids) -> Outcome:
    digest = canonical.sha256_hex(raw)
    version = _versions().filter(pdf_sha256=digest).first()
    if version is None:  # the public PDF of a version that withholds something
        version = _versions().filter(public_version__pdf_sha256=digest).first()
    inside = embedded_json(raw)
    data = parse_json(inside) if inside is not None else None
    check = check_report(data) if data is not None else None
    if version is None and check is not None and check.intact:
        version = _versions().filter(fingerprint=check.fingerprint).first()
    office_id = version.office_id if version is not None else None
    signature = signing.inspect_pdf(
        raw, properties.office_certificates(office_id), properties.tsa_certificates()
    )
    lines = _pdf_properties(check, version, signature, office_ids)
    outcome = _pdf_outcome(digest, data, check, version, signature, office_ids)
    outcome.properties = lines
    return outcome


def _stored_hashes(version) -> set[str]:
    hashes = {version.pdf_sha256}
    public = getattr(version, "public_version", None) if _has_public(version) else None
    if public is not None:
        hashes.add(public.pdf_sha256)
    return hashes


def _has_public(version) -> bool:
    from safeguards.restricted.models import PublicVersion

    return PublicVersion.objects.filter(report_version_id=version.pk).exists()


def _pdf_properties(check, version, signature, office_ids) -> list[properties.Property]:
    disclosed = version is not None and (office_ids is None or version.office_id in office_ids)
    if check is None:
        lines = [properties.Property("Fingerprint", properties.UNKNOWN, "no report.json inside.")]
        lines.append(
            properties.Property("Audit-chain anchor", properties.UNKNOWN, "no report data.")
        )
    else:
        lines = [
            properties.fingerprint_property(check.problems, check.fingerprint, version is not None),
            properties.anchor_property(check.data, disclosed),
            properties.version_property(check.data),
        ]
    office_name = version.office.name if disclosed else None
    return lines + properties.signature_properties(signature, office_name)


def _pdf_outcome(digest, data, check, version, signature, office_ids) -> Outcome:
    signed = signature.state != signing.UNSIGNED
    if version is not None and digest in _stored_hashes(version):
        if signed and signature.state != signing.VALID:
            return Outcome(
                ALTERED,
                "Altered: the signature of this PDF does not verify.",
                [signature.problem or "The signer is not the office's certificate."],
            )
        return _matched(
            version,
            office_ids,
            "Intact: this PDF is byte for byte the one that was approved.",
            [f"SHA-256 of the file: {digest}."],
        )
    if data is None:
        return Outcome(
            UNMATCHED,
            "This PDF matches no approved report here.",
            [
                "It carries no report data to check (report.json), so its pages could not be "
                "checked either; it was not made by Safeguards or was re-saved by another program."
            ],
        )
    outcome = _verify_json(data, office_ids, in_pdf=True, check=check)
    if outcome.kind == MATCHES and signature.state == signing.VALID:
        # The office's signature covers every byte of the approved file; later revisions may
        # only add timestamps (`manage.py add_timestamp`).
        return _matched(
            version,
            office_ids,
            "Intact: the office's signature covers this PDF, which is an approved version.",
            [f"SHA-256 of the file: {digest} (timestamps were added after approval)."],
        )
    if outcome.kind == MATCHES:
        # Approved PDFs are only ever handed out as the stored bytes: different bytes around
        # approved data mean the pages were edited or the file was re-saved.
        return Outcome(
            ALTERED,
            "Altered: this PDF is not the file that was approved.",
            [
                "The data embedded in it matches an approved version, but the PDF file itself "
                f"differs from the approved one (its SHA-256 is {digest}). Its pages may have "
                "been edited, or a program re-saved it. Download the approved PDF again to "
                "compare.",
                *([signature.problem] if signature.problem else []),
                *outcome.details,
            ],
            outcome.version,
            outcome.disclosed,
        )
    return outcome


def _verify_json_file(data: dict, office_ids) -> Outcome:
    check = check_report(data)
    outcome = _verify_json(data, office_ids, check=check)
    version = outcome.version
    matched = outcome.kind == MATCHES
    outcome.properties = [
        properties.fingerprint_property(check.problems, check.fingerprint, matched),
        properties.anchor_property(data, version is not None)
        if check.intact
        else (
            properties.Property(
                "Audit-chain anchor", properties.UNKNOWN, "not checked: the file does not add up."
            )
        ),
        properties.version_property(data),
        properties.Property(
            "Signature",
            properties.NONE,
            "a JSON file carries no signature; the approved PDF, which embeds this JSON, is "
            "the signed copy.",
        ),
    ]
    return outcome


def _verify_json(data: dict, office_ids, in_pdf: bool = False, check=None) -> Outcome:
    what = "The report data inside this PDF" if in_pdf else "This report"
    check = check or check_report(data)
    if not check.intact:
        return Outcome(ALTERED, f"Altered: {what.lower()} does not add up.", check.problems)
    version = _versions().filter(fingerprint=check.fingerprint).first()
    if version is not None:
        return _matched(
            version,
            office_ids,
            f"Intact: {what.lower()} matches an approved version.",
            ["Its fingerprint and every score were recomputed from the file and agree."],
        )
    draft = data.get("status") != "approved"
    reason = (
        "It is a draft, and drafts are never approved versions."
        if draft
        else "It may come from another installation, or from a version since removed."
    )
    # Not "Intact, but…": skimmed, that reads as a pass. Lead with what it is not.
    headline = "Not an approved report" if draft else "No approved version here"
    return Outcome(
        UNMATCHED,
        f"{headline}: {what.lower()} matches no approved version here (it was not altered).",
        ["Its fingerprint and every score were recomputed from the file and agree.", reason],
    )
