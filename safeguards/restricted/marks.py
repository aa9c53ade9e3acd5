"""Reading and changing restricted marks (the ORM side of reports/disclosure.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from safeguards.audit.record import record
from safeguards.reports.disclosure import Marks
from safeguards.reviews.models import Answer, Assessment, Evidence

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


class ReasonError(ValueError):
    """A reason the office's list cannot take (the message says why)."""


REASON_MAX = 200


def add_reason(office, label: str, *, by=None) -> bool:
    """Append `label` to the office's list. False when it is there already."""
    label = label.strip()
    if not label or len(label) > REASON_MAX:
        raise ReasonError(f"A reason is 1 to {REASON_MAX} characters (this one has {len(label)}).")
    with transaction.atomic():
        _start_own_list(office, by)
        last = RestrictionReason.objects.filter(office=office).aggregate(n=Max("position"))["n"]
        _, created = RestrictionReason.objects.get_or_create(
            office=office, label=label, defaults={"position": (last or 0) + 1}
        )
        if created:
            record("restriction_reason.added", actor=by, office=office, after={"label": label})
    return created


def remove_reason(office, label: str, *, by=None) -> bool:
    """Take `label` off the list. Values already marked with it keep it (it is their record)."""
    with transaction.atomic():
        _start_own_list(office, by)
        deleted, _ = RestrictionReason.objects.filter(office=office, label=label).delete()
        if deleted:
            record("restriction_reason.removed", actor=by, office=office, before={"label": label})
    return bool(deleted)


def _start_own_list(office, by) -> None:
    """An office's first change starts its own list from the defaults it was offered, so
    adding one reason does not silently drop the others."""
    if RestrictionReason.objects.filter(office=office).exists():
        return
    for position, label in enumerate(DEFAULT_REASONS, start=1):
        RestrictionReason.objects.create(office=office, label=label, position=position)
    record(
        "restriction_reason.list_started",
        actor=by,
        office=office,
        after={"labels": list(DEFAULT_REASONS)},
    )


def set_public_only(membership, public_only: bool, *, by=None) -> bool:
    """Limit a member to public versions (True) or give back all versions. False: unchanged."""
    with transaction.atomic():
        setting, _ = MemberSetting.objects.select_for_update().get_or_create(membership=membership)
        if setting.public_only == public_only:
            return False
        before = setting.public_only
        setting.public_only = public_only
        setting.save(update_fields=["public_only"])
        username = membership.user.get_username()
        record(
            "membership.access_changed",
            actor=by,
            office=membership.office_id,
            target=membership,
            before={"user": username, "public_only": before},
            after={"user": username, "public_only": public_only},
        )
    return True


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


def public_only_sql(alias: str) -> str:
    """`public_only` written out, to ride on the read of a report's assessment row (reviews'
    row_sql): whether the member whose user id is its one parameter is limited to public
    versions of the office of the assessment whose table has `alias`."""
    from safeguards.accounts.models import Membership
    from safeguards.reviews.row_sql import column, quote

    return (
        f"EXISTS (SELECT 1 FROM {quote(MemberSetting._meta.db_table)} s"
        f" JOIN {quote(Membership._meta.db_table)} m"
        f" ON {column(Membership, 'id', 'm')} = {column(MemberSetting, 'membership', 's')}"
        f" WHERE {column(Membership, 'user', 'm')} = %s"
        f" AND {column(Membership, 'office', 'm')} = {column(Assessment, 'office', alias)}"
        f" AND {column(MemberSetting, 'public_only', 's')})"
    )


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
