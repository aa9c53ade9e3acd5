"""Assessments with answers, evidence, workflow steps and audit events, through the ORM."""

import datetime

from django.db import transaction
from django.utils import timezone

from safeguards.audit.record import record
from safeguards.reviews.models import Answer, Evidence, StepKind, WorkflowStep
from tests.factories import make_assessment, make_deployment, make_framework

STATUS_CYCLE = ("met", "partial", "not_met", "undisclosed", "met", "not_applicable")


def answered_assessment(office, reviewer, *, categories=2, per_category=3, slug="test-framework"):
    """Every criterion answered (the first, a red line, met), each answer with evidence,
    submitted for review, with audit events."""
    framework = make_framework(slug=slug, categories=categories, per_category=per_category)
    codes = list(framework.criteria.order_by("position").values_list("code", flat=True))
    statuses = {code: STATUS_CYCLE[i % len(STATUS_CYCLE)] for i, code in enumerate(codes)}
    statuses[codes[0]] = "met"
    deployment = make_deployment(office, reviewer)
    assessment = make_assessment(deployment, framework, reviewer, answers=statuses)
    shared = Evidence.objects.create(
        office=office,
        deployment=deployment,
        title="Contract statement of work",
        kind="document",
        url="https://example.org/sow.pdf",
        citation="§4",
        file_sha256="ab" * 32,
        retrieved_on=datetime.date(2026, 10, 1),
    )
    own = Evidence.objects.bulk_create(
        Evidence(office=office, deployment=deployment, title=f"Note on {code}", kind="quotation")
        for code in codes
    )
    through = Answer.evidence.through
    answers = list(assessment.answers.order_by("criterion__position"))
    Answer.objects.filter(assessment=assessment).update(
        recommendation="Make it binding.", updated_at=timezone.now()
    )
    through.objects.bulk_create(
        [through(answer_id=a.pk, evidence_id=shared.pk) for a in answers]
        + [through(answer_id=a.pk, evidence_id=e.pk) for a, e in zip(answers, own, strict=True)]
    )
    with transaction.atomic():
        WorkflowStep.objects.create(
            assessment=assessment, kind=StepKind.SUBMITTED, user=reviewer, username="alice"
        )
        assessment.status = "in_review"
        assessment.save(update_fields=["status"])
        record("assessment.submitted", actor=reviewer, office=office, assessment=assessment)
    return assessment
