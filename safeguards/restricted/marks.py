"""Reading and changing restricted marks (the ORM side of reports/disclosure.py)."""

from __future__ import annotations

from django.db import transaction

from safeguards.audit.record import record
from safeguards.reports.disclosure import Marks
from safeguards.reviews.models import Answer, Evidence

from .models import (
    DEFAULT_REASONS,
    AnswerRestriction,
    EvidenceRestriction,
    MemberSetting,
    RestrictionReason,
)


def reasons_for(office) -> list[str]:
    """The office's list of reasons, or the defaults while it has none."""
    own = list(
        RestrictionReason.objects.filter(office=office)
        .order_by("position", "label")
        .values_list("label", flat=True)
    )
    return own or list(DEFAULT_REASONS)


def marks_for(assessment) -> Marks:
    """The assessment's marks, keyed as the report identifies values: criterion code and field;
    evidence (title, URL)."""
    answers: dict[str, dict[str, str]] = {}
    for code, name, reason in AnswerRestriction.objects.filter(
        answer__assessment=assessment
    ).values_list("answer__criterion__code", "field", "reason"):
        answers.setdefault(code, {})[name] = reason
    evidence = {
        (title, url or None): reason
        for title, url, reason in EvidenceRestriction.objects.filter(
            evidence__answers__assessment=assessment
        )
        .values_list("evidence__title", "evidence__url", "reason")
        .distinct()
    }
    return Marks(answers=answers, evidence=evidence)


def public_only(user, office_id: int) -> bool:
    """Whether this member may see only public versions of the office's reports."""
    if not getattr(user, "is_authenticated", False):
        return True
    return MemberSetting.objects.filter(
        membership__user=user, membership__office_id=office_id, public_only=True
    ).exists()


def set_answer_mark(answer: Answer, field: str, reason: str, *, by) -> bool:
    """Mark (reason) or unmark ("") one answer field; an audit event when it changes."""
    with transaction.atomic():
        current = AnswerRestriction.objects.filter(answer=answer, field=field).first()
        before = current.reason if current else ""
        if before == reason:
            return False
        if reason:
            AnswerRestriction.objects.update_or_create(
                answer=answer, field=field, defaults={"reason": reason}
            )
        else:
            current.delete()
        record(
            "restriction.changed",
            actor=by,
            office=answer.assessment.office_id,
            target=answer,
            assessment=answer.assessment_id,
            before={"field": field, "reason": before},
            after={"field": field, "reason": reason},
        )
    return True


def set_evidence_mark(evidence: Evidence, reason: str, *, by, assessment=None) -> bool:
    with transaction.atomic():
        current = EvidenceRestriction.objects.filter(evidence=evidence).first()
        before = current.reason if current else ""
        if before == reason:
            return False
        if reason:
            EvidenceRestriction.objects.update_or_create(
                evidence=evidence, defaults={"reason": reason}
            )
        else:
            current.delete()
        record(
            "restriction.changed",
            actor=by,
            office=evidence.office_id,
            target=evidence,
            assessment=getattr(assessment, "pk", None),
            before={"evidence": evidence.pk, "reason": before},
            after={"evidence": evidence.pk, "reason": reason},
        )
    return True
