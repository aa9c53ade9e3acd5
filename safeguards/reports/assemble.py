"""One gap report assembled from plain data: frozen dataclasses in, a Report out (DESIGN.md §6).

Pure: no Django, no database, no I/O. Every number comes from `safeguards.scoring`, every hash
from `safeguards.canonical`, so the HTML, PDF, JSON and CSV renderings cannot disagree.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from safeguards import canonical, scoring

SCHEMA = "safeguards.gap-report/2"
# Reports frozen before schema 2 carry no `method` key and were scored with method 1.
SCHEMA_1 = "safeguards.gap-report/1"
SCHEMAS = (SCHEMA_1, SCHEMA)
DRAFT = "draft"
APPROVED = "approved"

# Keys left out of the fingerprinted content (DESIGN.md §6).
# `disclosures` (DESIGN.md §11): the restricted and public versions share one fingerprint.
UNFINGERPRINTED = ("fingerprint", "generated_at", "disclosures")

DEPLOYMENT_FIELDS = (
    "name",
    "operator",
    "vendor",
    "technology",
    "contract_reference",
    "contract_value",
    "period_start",
    "period_end",
    "units_with_access",
    "purposes",
    "data_sources",
    "connected_systems",
    "notes",
)


@dataclass(frozen=True)
class EvidenceInput:
    title: str
    kind: str = ""
    url: str = ""
    citation: str = ""
    sha256: str = ""
    retrieved_on: str | None = None
    excerpt: str = ""


@dataclass(frozen=True)
class CategoryInput:
    code: str
    title: str


@dataclass(frozen=True)
class CriterionInput:
    code: str
    category: str
    title: str
    question: str
    severity: str
    weight: int | None
    red_line: bool
    status: str = scoring.NOT_ASSESSED
    rationale: str = ""
    recommendation: str = ""
    evidence: tuple[EvidenceInput, ...] = ()


@dataclass(frozen=True)
class ApprovalInput:
    role: str
    username: str
    at: str
    name: str = ""  # full name as printed (accounts.models.display_name)
    title: str = ""
    # Approvers only: the statement they confirmed and their note for the record.
    attestation: str = ""
    note: str = ""


@dataclass(frozen=True)
class DeploymentInput:
    id: int
    name: str
    operator: str = ""
    vendor: str = ""
    technology: str = ""
    contract_reference: str = ""
    contract_value: str | None = None  # decimal as text: a float's digits could drift
    period_start: str | None = None
    period_end: str | None = None
    units_with_access: str = ""
    purposes: str = ""
    data_sources: str = ""
    connected_systems: str = ""
    notes: str = ""


@dataclass(frozen=True)
class FrameworkInput:
    slug: str
    version: int
    title: str
    sha256: str
    publisher: str = ""
    source_name: str = ""
    adequate: int = 80
    significant_gaps: int = 50


@dataclass(frozen=True)
class ReportInput:
    office: str
    deployment: DeploymentInput
    framework: FrameworkInput
    assessment_id: int
    assessment_title: str
    as_of: str
    assessment_status: str
    categories: tuple[CategoryInput, ...]
    criteria: tuple[CriterionInput, ...]
    approvals: tuple[ApprovalInput, ...] = ()
    audit_events: int = 0
    audit_head: str | None = None
    report_version: int | None = None
    generated_at: str = ""
    method: int = scoring.CURRENT_METHOD
    office_address: str = ""
    office_time_zone: str = "UTC"
    executive_summary: str = ""
    # The deployment's recommendations register and this approval's decision (DESIGN.md §10),
    # already laid out by safeguards.followup.report.
    recommendations: tuple[dict[str, Any], ...] = ()
    decision: dict[str, Any] | None = None
    # The deployment's information requests (safeguards.followup.report); the key is left out
    # of reports whose deployment has none, so their fingerprints stay as they were.
    requests: tuple[dict[str, Any], ...] = ()
    # The operator's comments on the draft sent for comment, with the office's replies
    # (safeguards.followup.comments); left out when there are none.
    agency_comments: dict[str, Any] | None = None


@dataclass(frozen=True)
class Report:
    """The assembled report: its content (what the fingerprint covers) and the scoring result."""

    content: dict[str, Any]
    generated_at: str
    fingerprint: str
    result: scoring.Result = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The whole JSON document of DESIGN.md §6 (a fresh copy each call)."""
        data = copy.deepcopy(self.content)
        data["fingerprint"] = self.fingerprint
        data["generated_at"] = self.generated_at
        return data

    def canonical_json(self) -> bytes:
        return canonical.canonical_json(self.as_dict())

    @property
    def is_draft(self) -> bool:
        return self.content["status"] != APPROVED


def number(value: Decimal | Fraction | int) -> int | float:
    """A JSON number in its shortest form: 100 not 100.0, 72.5, 0.667.

    Whole numbers are written without a decimal point so the canonical JSON is the same
    whether it is made by Python, JavaScript or by hand; others go through float, whose repr
    is the shortest text that reads back to the same value.
    """
    value = (
        Decimal(value)
        if not isinstance(value, Fraction)
        else Decimal(value.numerator) / value.denominator
    )
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def score_number(value: Fraction | None) -> int | float | None:
    return None if value is None else number(scoring.round_half_up(value, 1))


def rate_number(value: Fraction | None) -> int | float | None:
    return None if value is None else number(scoring.round_half_up(value, 3))


def credit_number(status: str) -> int | float | None:
    earned = scoring.credit(status)
    return None if earned is None else number(earned)


def method_of(data: dict[str, Any]) -> int:
    """The scoring method a report's JSON was made with: its `method`, or 1 for schema 1."""
    if data.get("schema") == SCHEMA_1:
        return 1
    return data.get("method", scoring.CURRENT_METHOD)


def fingerprint_of(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON without `fingerprint`, `generated_at` and `disclosures`."""
    return canonical.fingerprint({k: v for k, v in data.items() if k not in UNFINGERPRINTED})


def operator_question(code: str, title: str, question: str) -> str:
    """The question to send to the operator about an undisclosed criterion: the criterion's own
    question, as a question. What to send back is said once, above the list."""
    asked = " ".join(question.split()) or f"Does the safeguard “{title}” ({code}) exist"
    if asked[-1] not in "?.":
        asked += "?"
    return asked


def _evidence(item: EvidenceInput) -> dict[str, Any]:
    return {
        "title": item.title,
        "kind": item.kind or None,
        "url": item.url or None,
        "citation": item.citation or None,
        "sha256": item.sha256 or None,
        "retrieved_on": item.retrieved_on,
        "excerpt": item.excerpt or None,
    }


def scoring_criteria(criteria) -> list[scoring.Criterion]:
    return [
        scoring.Criterion(
            code=c.code,
            category=c.category,
            severity=c.severity,
            red_line=c.red_line,
            weight=c.weight,
        )
        for c in criteria
    ]


def assemble(data: ReportInput) -> Report:
    """Score the assessment and lay out every key of the report JSON."""
    framework = data.framework
    thresholds = scoring.Thresholds(framework.adequate, framework.significant_gaps)
    result = scoring.assess(
        scoring_criteria(data.criteria),
        {c.code: c.status for c in data.criteria},
        thresholds,
        method=data.method,
    )
    # Categories with no criteria still appear (with no score), in framework order.
    scored = {category.code: category for category in result.categories}
    categories = []
    for category in data.categories:
        found = scored.get(category.code)
        categories.append(
            {
                "code": category.code,
                "title": category.title,
                "score": score_number(found.score) if found else None,
                "applicable": found.applicable if found else 0,
                "criteria": found.total if found else 0,
            }
        )
    criteria = [
        {
            "code": c.code,
            "category": c.category,
            "title": c.title,
            "question": c.question,
            "severity": c.severity,
            "weight": scoring.effective_weight(c.severity, c.weight),
            "red_line": c.red_line,
            "status": c.status,
            "credit": credit_number(c.status),
            "rationale": c.rationale,
            "recommendation": c.recommendation,
            "evidence": [_evidence(item) for item in c.evidence],
        }
        for c in data.criteria
    ]
    questions = [
        {"code": c.code, "question": operator_question(c.code, c.title, c.question)}
        for c in data.criteria
        if c.status == scoring.UNDISCLOSED
    ]
    deployment = {"id": data.deployment.id}
    deployment.update({name: getattr(data.deployment, name) for name in DEPLOYMENT_FIELDS})
    content = {
        "schema": SCHEMA,
        "method": result.method,
        "status": APPROVED if data.report_version is not None else DRAFT,
        "report_version": data.report_version,
        "office": {
            "name": data.office,
            "address_line": data.office_address,
            "time_zone": data.office_time_zone,
        },
        "deployment": deployment,
        "framework": {
            "slug": framework.slug,
            "version": framework.version,
            "title": framework.title,
            "publisher": framework.publisher,
            "source_name": framework.source_name,
            "sha256": framework.sha256,
            "thresholds": {
                "adequate": framework.adequate,
                "significant_gaps": framework.significant_gaps,
            },
        },
        "assessment": {
            "id": data.assessment_id,
            "title": data.assessment_title,
            "as_of": data.as_of,
            "status": data.assessment_status,
            "executive_summary": data.executive_summary,
        },
        "summary": {
            "overall_score": score_number(result.overall),
            "verdict": result.verdict,
            "red_line_breaches": list(result.red_line_breaches),
            "red_line_not_demonstrated": list(result.red_line_not_demonstrated),
            "gaps": list(result.gaps),
            "counts": result.counts_dict(),
            "disclosure_rate": rate_number(result.disclosure_rate),
            "applicable": result.applicable,
            "criteria": len(data.criteria),
            # A draft with criteria not assessed yet: its scores are provisional, no verdict is
            # claimed, and the disclosure rate covers the assessed criteria only.
            "assessed": len(data.criteria) - result.counts_dict()[scoring.NOT_ASSESSED],
            "provisional": result.counts_dict()[scoring.NOT_ASSESSED] > 0,
        },
        "categories": categories,
        "criteria": criteria,
        "questions": questions,
        "approvals": [_approval(a) for a in data.approvals],
        "audit": {"events": data.audit_events, "head": data.audit_head},
        "recommendations": [dict(row) for row in data.recommendations],
        "decision": copy.deepcopy(data.decision),
    }
    if data.requests:
        content["requests"] = copy.deepcopy(list(data.requests))
    if data.agency_comments:
        content["agency_comments"] = copy.deepcopy(data.agency_comments)
    return Report(
        content=content,
        generated_at=data.generated_at,
        fingerprint=fingerprint_of(content),
        result=result,
    )


def _approval(approval: ApprovalInput) -> dict:
    entry = {
        "role": approval.role,
        "username": approval.username,
        "name": approval.name or approval.username,
        "title": approval.title,
        "at": approval.at,
    }
    if approval.role == "approver":
        entry.update(attestation=approval.attestation, note=approval.note)
    return entry
