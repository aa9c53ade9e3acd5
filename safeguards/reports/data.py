"""Fetch one assessment's report data in a fixed number of queries, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.utils import timezone

from safeguards.accounts.models import display_name, display_title
from safeguards.audit.chain import format_time
from safeguards.audit.models import Event
from safeguards.reviews import page_sql
from safeguards.reviews.models import Assessment, StepKind, WorkflowStep

from . import input_sql
from .assemble import (
    ApprovalInput,
    CategoryInput,
    CriterionInput,
    DeploymentInput,
    EvidenceInput,
    FrameworkInput,
    ReportInput,
    assemble,
)

User = get_user_model()

# Steps after which the sign-off starts over: a returned or reopened assessment is scored again.
_CYCLE_RESTARTS = {StepKind.RETURNED, StepKind.REOPENED}


def audit_anchor(assessment_id: int) -> tuple[int, str | None]:
    """(number of this assessment's audit events, hash of its latest one)."""
    try:
        from safeguards.audit.models import anchor  # provided by the audit work
    except ImportError:
        pass
    else:
        return anchor(assessment_id)
    events = Event.objects.filter(assessment_id=assessment_id)
    found = events.aggregate(count=Count("seq"), last=Max("seq"))
    if not found["count"]:
        return 0, None
    return found["count"], events.filter(seq=found["last"]).values_list("hash", flat=True).first()


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime | None) -> str | None:
    return format_time(value) if value else None


def _deployment(deployment) -> DeploymentInput:
    return DeploymentInput(
        id=deployment.pk,
        name=deployment.name,
        operator=deployment.operator,
        vendor=deployment.vendor,
        technology=deployment.technology,
        contract_reference=deployment.contract_reference,
        contract_value=None
        if deployment.contract_value is None
        else str(deployment.contract_value),
        period_start=_date(deployment.period_start),
        period_end=_date(deployment.period_end),
        units_with_access=deployment.units_with_access,
        purposes=deployment.purposes,
        data_sources=deployment.data_sources,
        connected_systems=deployment.connected_systems,
        notes=deployment.notes,
    )


def _evidence_by_answer(assessment_id: int) -> dict[int, tuple[EvidenceInput, ...]]:
    """Each answer's evidence, by title, in one query over the links and without model
    instances; an item cited for several answers is built once (the inputs are frozen)."""
    links = input_sql.evidence_links(assessment_id)
    items: dict[int, EvidenceInput] = {}
    found: dict[int, list[EvidenceInput]] = defaultdict(list)
    for answer_id, evidence_id, *columns in links:
        item = items.get(evidence_id)
        if item is None:
            title, kind, url, citation, sha256, retrieved_on, excerpt = columns
            item = items[evidence_id] = EvidenceInput(
                title=title,
                kind=kind,
                url=url,
                citation=citation,
                sha256=sha256,
                retrieved_on=_date(retrieved_on),
                excerpt=excerpt,
            )
        found[answer_id].append(item)
    return {answer_id: tuple(cited) for answer_id, cited in found.items()}


def _approvals(edits, steps, approved_by=None, approved_at=None) -> tuple[ApprovalInput, ...]:
    """Who scored (the last editor of each answer), who submitted and who approved, this cycle.
    `edits`: (user id, updated at) of every answer."""
    last_edit: dict[int, datetime | None] = {}
    for user_id, updated_at in edits:
        if user_id is None:
            continue
        previous = last_edit.get(user_id)
        if previous is None or (updated_at and updated_at > previous):
            last_edit[user_id] = updated_at
    # The few people who scored, not one user and profile per answer.
    people = (
        {
            user.get_username(): user
            for user in User.objects.filter(pk__in=last_edit).select_related("profile")
        }
        if last_edit
        else {}
    )
    by_name = {user.get_username(): last_edit[user.pk] for user in people.values()}

    def signed(role, username, at, user=None, **approval) -> ApprovalInput:
        user = user or people.get(username)
        return ApprovalInput(
            role,
            username,
            _time(at),
            name=display_name(user) if user is not None else username,
            title=display_title(user) if user is not None else "",
            **approval,
        )

    approvals = [signed("reviewer", name, at) for name, at in sorted(by_name.items())]
    current: list[WorkflowStep] = []
    for step in steps:
        if step.kind in _CYCLE_RESTARTS:
            current = []
        else:
            current.append(step)
    for step in current:
        if step.kind == StepKind.SUBMITTED:
            approvals.append(signed("submitter", step.username, step.at, step.user))
        elif step.kind == StepKind.APPROVED and approved_by is None:
            approvals.append(
                signed(
                    "approver",
                    step.username,
                    step.at,
                    step.user,
                    attestation=step.attestation,
                    note=step.note,
                )
            )
    if approved_by is not None:
        # The approval being frozen: its step was just written, in this transaction.
        step = next((s for s in reversed(current) if s.kind == StepKind.APPROVED), None)
        approvals.append(
            signed(
                "approver",
                approved_by.get_username(),
                approved_at,
                approved_by,
                attestation=step.attestation if step else "",
                note=step.note if step else "",
            )
        )
    return tuple(approvals)


# An assessment's row as the report reads it, with what the report shows of its office,
# deployment and framework; not the framework's YAML source (tens of kilobytes, read on every
# view of a draft).
REPORT_ASSESSMENTS = Assessment.objects.select_related(
    "office", "deployment", "framework_version__framework"
).defer("framework_version__source_text", "framework_version__description")


def report_input(
    assessment: Assessment,
    *,
    report_version: int | None = None,
    approved_by=None,
    approved_at: datetime | None = None,
    anchor: tuple[int, str | None] | None = None,
    loaded: bool = False,
) -> ReportInput:
    """Everything the report needs, in eight queries and those of the follow-up rows.
    `report_version`, `approved_by` and `approved_at` are given when freezing; `anchor`
    (events, head) when the caller took it before writing the approval's events; `loaded`
    when the caller has just read `assessment` through REPORT_ASSESSMENTS (one query
    fewer)."""
    if not loaded:
        assessment = REPORT_ASSESSMENTS.get(pk=assessment.pk)
    version = assessment.framework_version
    # Rows, not model instances, in written-out SQL: a draft's report is assembled on every
    # view of its page.
    categories = page_sql.categories(version.pk)
    criteria = input_sql.criteria(version.pk)
    # The report needs each answer's texts and who last changed it.
    answers = {criterion_id: row for criterion_id, *row in input_sql.answers(assessment.pk)}
    evidence = _evidence_by_answer(assessment.pk)
    steps = list(
        WorkflowStep.objects.filter(assessment=assessment)
        .select_related("user__profile")
        .order_by("at", "pk")
    )
    events, head = anchor if anchor is not None else input_sql.anchor(assessment.pk)

    rows = []
    unanswered = (None, "not_assessed", "", "", None, None)
    for pk, code, category, title, question, severity, weight, red_line in criteria:
        answer_id, status, rationale, recommendation, _, _ = answers.get(pk, unanswered)
        rows.append(
            CriterionInput(
                code=code,
                category=category,
                title=title,
                question=question,
                severity=severity,
                weight=weight,
                red_line=red_line,
                status=status,
                rationale=rationale,
                recommendation=recommendation,
                evidence=evidence.get(answer_id, ()),
            )
        )
    frozen = report_version is not None
    office = assessment.office
    # Imported here: the follow-up app builds on the reports app.
    from safeguards.followup.comments import report_row as comments_row
    from safeguards.followup.register import local_date
    from safeguards.followup.report import decision_row, recommendation_rows, request_rows

    as_of_day = local_date(approved_at if frozen and approved_at else timezone.now(), office)
    return ReportInput(
        office=assessment.office.name,
        deployment=_deployment(assessment.deployment),
        framework=FrameworkInput(
            slug=version.framework.slug,
            version=version.version,
            title=version.title,
            sha256=version.source_sha256,
            publisher=version.publisher,
            source_name=version.source_name,
            adequate=version.threshold_adequate,
            significant_gaps=version.threshold_significant_gaps,
        ),
        assessment_id=assessment.pk,
        assessment_title=assessment.title,
        as_of=assessment.as_of.isoformat(),
        # A frozen report is the approved one, whether or not the caller has saved the status yet.
        assessment_status="approved" if frozen else assessment.status,
        categories=tuple(CategoryInput(c.code, c.title) for c in categories),
        criteria=tuple(rows),
        approvals=_approvals(
            ((row[4], row[5]) for row in answers.values()), steps, approved_by, approved_at
        ),
        audit_events=events,
        audit_head=head,
        report_version=report_version,
        generated_at=_time(approved_at if frozen else timezone.now()),
        method=assessment.scoring_method,
        office_address=assessment.office.address_line,
        office_time_zone=assessment.office.time_zone or "UTC",
        executive_summary=assessment.executive_summary,
        recommendations=recommendation_rows(assessment.deployment_id, as_of_day),
        decision=decision_row(assessment.pk, pending_only=True) if frozen else None,
        agency_comments=comments_row(assessment.pk, assessment.deployment_id),
        requests=request_rows(
            assessment.deployment_id, approved_at if frozen and approved_at else timezone.now()
        ),
    )


def live_report(assessment: Assessment, *, loaded: bool = False):
    """The report as the assessment stands now (a draft, never an approval); `loaded`: see
    `report_input`."""
    return assemble(report_input(assessment, loaded=loaded))


def live_data(assessment: Assessment, *, loaded: bool = False) -> dict:
    """`live_report(assessment).as_dict()` without its deep copy: the report was just
    assembled and nothing else holds its content."""
    report = live_report(assessment, loaded=loaded)
    stamps = {"fingerprint": report.fingerprint, "generated_at": report.generated_at}
    return {**report.content, **stamps}
