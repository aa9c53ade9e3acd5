"""A realistic report built from plain data (no database), for the renderer tests."""

from safeguards.reports.assemble import (
    ApprovalInput,
    CategoryInput,
    CriterionInput,
    DeploymentInput,
    EvidenceInput,
    FrameworkInput,
    ReportInput,
    assemble,
)

STATUS_CYCLE = ("met", "partial", "not_met", "undisclosed", "met", "not_applicable")
SEVERITIES = ("critical", "high", "medium", "low")


def sample_input(
    categories: int = 6, per_category: int = 10, evidence_url: str = "", version=None
) -> ReportInput:
    criteria = []
    for c in range(1, categories + 1):
        for n in range(1, per_category + 1):
            position = len(criteria)
            status = STATUS_CYCLE[position % len(STATUS_CYCLE)]
            red_line = position == 0
            criteria.append(
                CriterionInput(
                    code=f"C{c}-{n}",
                    category=f"C{c}",
                    title=f"Safeguard {c}.{n} on uploads, retention and review",
                    question=(
                        f"Does a binding policy require safeguard {c}.{n}, and do audits show "
                        "that it operates"
                    ),
                    severity=SEVERITIES[position % 4],
                    weight=None,
                    red_line=red_line,
                    status="met" if red_line else status,
                    rationale=(
                        "The contract's statement of work (section 4.2) names the safeguard, but "
                        "no policy makes it binding and the audit logs we asked for were not "
                        "provided. The privacy impact assessment is silent on it."
                    ),
                    recommendation=(
                        "Adopt a binding policy, publish it, and audit it quarterly."
                        if status != "met"
                        else ""
                    ),
                    evidence=(
                        EvidenceInput(
                            title="Contract 70B03C24F00000123, statement of work",
                            kind="document",
                            url=evidence_url or "https://example.org/contract.pdf",
                            citation=f"§4.{n}",
                            sha256="ab" * 32,
                            retrieved_on="2026-10-01",
                        ),
                        EvidenceInput(
                            title="Privacy impact assessment",
                            kind="web_page",
                            url="https://example.org/pia",
                            citation="p. 12",
                        ),
                    ),
                )
            )
    return ReportInput(
        office="Office of Inspector General",
        deployment=DeploymentInput(
            id=3,
            name="Border agency face search licence",
            operator="Border agency",
            vendor="Face vendor Inc.",
            technology="One-to-many face search over scraped web images",
            contract_value="225000.00",
            period_start="2025-09-01",
            period_end="2026-08-31",
        ),
        framework=FrameworkInput(
            slug="fr-deployment-safeguards",
            version=1,
            title="Face-recognition deployment safeguards",
            sha256="cd" * 32,
            publisher="Safeguards project",
            source_name="fr-deployment-safeguards.yaml",
        ),
        assessment_id=11,
        assessment_title="Licence review, autumn 2026",
        as_of="2026-11-01",
        assessment_status="approved" if version else "in_review",
        categories=tuple(CategoryInput(f"C{c}", f"Category {c}") for c in range(1, categories + 1)),
        criteria=tuple(criteria),
        approvals=(
            ApprovalInput("reviewer", "alice", "2026-11-20T10:00:00.000000Z"),
            ApprovalInput("submitter", "alice", "2026-11-21T10:00:00.000000Z"),
        ),
        audit_events=120,
        audit_head="ef" * 32,
        report_version=version,
        generated_at="2026-11-26T12:00:00.000000Z",
    )


def sample_report(**options):
    return assemble(sample_input(**options))
