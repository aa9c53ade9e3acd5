"""The review workflow of DESIGN.md section 4: submit, return, approve, reopen.

Each step checks its rule on the locked assessment row, then writes the new status, a
WorkflowStep and an audit event in one transaction; a refusal raises WorkflowError with
problems a person can act on, and changes nothing.
"""

import copy
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.models import Office, display_name
from safeguards.accounts.permissions import Action
from safeguards.audit.record import atomic_events_last, record
from safeguards.audit.record import rehearsal as audit_rehearsal

from .models import (
    JUSTIFICATION_MIN_LENGTH,
    Answer,
    Assessment,
    AssessmentStatus,
    StepKind,
    WorkflowStep,
    answer_problems,
)

COMMENT_MAX_LENGTH = 5000


class WorkflowError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Blocker:
    """One reason an assessment cannot be submitted yet, tied to its criterion."""

    code: str
    category: str
    message: str


def submission_blockers(answers: list[Answer]) -> list[Blocker]:
    """What stops submission, in framework order. Answers need `criterion__category` loaded."""
    return blockers_of(
        (a.criterion.code, a.criterion.category.code, a.status, a.rationale, a.criterion.red_line)
        for a in answers
    )


def blockers_of(rows) -> list[Blocker]:
    """`submission_blockers` of plain rows (code, category code, status, rationale, red line),
    in framework order: for pages that read answers as rows, not model instances."""
    blockers = []
    for code, category, status, rationale, red_line in rows:
        rationale = rationale.strip()
        if status == scoring.NOT_ASSESSED:
            message = "not assessed yet"
        elif status == scoring.NOT_APPLICABLE and red_line:
            message = "marked not applicable, which a red line never is"
        elif status == scoring.NOT_APPLICABLE and len(rationale) < JUSTIFICATION_MIN_LENGTH:
            message = "not applicable without a justification"
        elif not rationale:
            message = "no rationale"
        else:
            continue
        blockers.append(Blocker(code, category, f"{code}: {message}."))
    return blockers


def _lock(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.status = locked.status
    return locked


_WHICH = {
    AssessmentStatus.DRAFT: "a draft",
    AssessmentStatus.IN_REVIEW: "an assessment in review",
    AssessmentStatus.APPROVED: "an approved assessment",
}
_IS = {
    AssessmentStatus.DRAFT: "a draft",
    AssessmentStatus.IN_REVIEW: "in review",
    AssessmentStatus.APPROVED: "approved",
}


def _status_problem(assessment: Assessment, wanted: str, verb: str) -> list[str]:
    if assessment.status == wanted:
        return []
    return [f"Only {_WHICH[wanted]} can be {verb}; this one is {_IS[assessment.status]}."]


def _role_problem(by, assessment: Assessment, action: Action, who: str) -> list[str]:
    if permissions.can(by, action, assessment.office_id):
        return []
    return [f"Only {who} of this office can do this."]


def _comment_problem(comment: str, what: str) -> list[str]:
    comment = (comment or "").strip()
    if not comment:
        return [f"Give a {what}."]
    if len(comment) > COMMENT_MAX_LENGTH:
        return [f"Keep the {what} under {COMMENT_MAX_LENGTH} characters."]
    return []


def _step(
    assessment: Assessment,
    locked: Assessment,
    kind: str,
    new_status: str,
    by,
    comment: str = "",
    at=None,
    **extra: str,
) -> WorkflowStep:
    """`extra`: the approval's attestation and note, stored on the step and in its event;
    `at`: the step's time when the caller fixed it (an approval's, shared with its report)."""
    old_status = locked.status
    locked.status = assessment.status = new_status
    locked.save(update_fields=["status", "updated_at"])
    step = WorkflowStep.objects.create(
        assessment=locked,
        kind=kind,
        user=by,
        username=by.get_username(),
        comment=comment,
        **extra,
    )
    if at is not None:  # `at` is auto_now_add: set after the insert
        WorkflowStep.objects.filter(pk=step.pk).update(at=at)
        step.at = at
    after = {"status": new_status, "comment": comment} if comment else {"status": new_status}
    after.update({name: value for name, value in extra.items() if value})
    record(
        f"assessment.{kind}",
        actor=by,
        office=locked.office_id,
        target=locked,
        assessment=locked,
        before={"status": old_status},
        after=after,
    )
    from safeguards.team import hooks  # team work builds on reviews models

    hooks.step_taken(locked, kind, by, comment)
    return step


def submit(assessment: Assessment, by) -> WorkflowStep:
    """draft -> in_review, once every criterion is answered with a rationale."""
    with transaction.atomic():
        locked = _lock(assessment)
        problems = _role_problem(by, locked, Action.EDIT, "a reviewer or approver")
        problems += _status_problem(locked, AssessmentStatus.DRAFT, "submitted")
        if not problems:
            answers = list(locked.answers.select_related("criterion__category"))
            problems = [blocker.message for blocker in submission_blockers(answers)]
        if problems:
            raise WorkflowError(problems)
        return _step(assessment, locked, StepKind.SUBMITTED, AssessmentStatus.IN_REVIEW, by)


def return_to_draft(assessment: Assessment, by, comment: str) -> WorkflowStep:
    """in_review -> draft, with the approver's comment on what to change."""
    with transaction.atomic():
        locked = _lock(assessment)
        problems = _role_problem(by, locked, Action.APPROVE, "an approver")
        problems += _status_problem(locked, AssessmentStatus.IN_REVIEW, "returned to draft")
        problems += _comment_problem(comment, "comment saying what needs work")
        if problems:
            raise WorkflowError(problems)
        return _step(
            assessment, locked, StepKind.RETURNED, AssessmentStatus.DRAFT, by, comment.strip()
        )


APPROVAL_ATTEMPTS = 3


def approval_claim_seconds() -> float:
    """How long an approval's claim holds: past every attempt's render time limit, a claim
    can only be left by a process that stopped mid-approval."""
    return (APPROVAL_ATTEMPTS + 1) * float(settings.SAFEGUARDS_PDF_TIMEOUT) + 60


class _Rehearsed(Exception):
    """Rolls a rehearsal of the approval back, carrying the report it assembled."""

    def __init__(self, draft):
        self.draft = draft
        super().__init__("rehearsal")


def approve(
    assessment: Assessment, by, decision=None, *, note: str = "", attestation: str | None = None
) -> WorkflowStep:
    """in_review -> approved by an approver who scored nothing in it; freezes a report version.

    `decision` (a safeguards.followup.register.DecisionInput) carries the approver's
    conditions and validity; the gaps' recommendations are numbered in the same transaction.
    `attestation`: the statement the approver confirmed (default: the office's text now);
    `note`: their optional note for the record. Both are kept on the step and in the report.

    The PDF is rendered and signed without the database's write lock: the approval's writes
    are rehearsed and rolled back to assemble the report, which is then rendered and signed;
    the approval is then written for real and stored with that PDF if the report assembles
    the same. If something changed meanwhile (an edit, another approval numbering
    recommendations), it starts over, up to APPROVAL_ATTEMPTS times; then the report is
    rendered inside the transaction, so a busy office's approval still goes through.
    """
    # Imported here: the reports app assembles reports from reviews models.
    from safeguards.reports import freeze

    note = (note or "").strip()
    _claim(assessment, by)
    try:
        return _approve(freeze, assessment, by, decision, note, attestation)
    finally:
        Assessment.objects.filter(pk=assessment.pk, approving_by=by).update(
            approving_by=None, approving_since=None
        )


def _claim(assessment: Assessment, by) -> None:
    """Mark `by` as approving `assessment` from now, or refuse: it is not theirs to approve,
    or another approval of it is under way (which would make this one's render wasted)."""
    # As stored: the caller's instance may say "approved" after a failed approval.
    assessment.status = Assessment.objects.values_list("status", flat=True).get(pk=assessment.pk)
    problems = approval_problems(assessment, by)
    if problems:
        raise WorkflowError(problems)
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=approval_claim_seconds())
    claimed = (
        Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.IN_REVIEW)
        .filter(Q(approving_by__isnull=True) | Q(approving_since__lt=stale))
        .update(approving_by=by, approving_since=now)
    )
    if claimed:
        return
    row = Assessment.objects.select_related("approving_by").get(pk=assessment.pk)
    if row.status != AssessmentStatus.IN_REVIEW:
        assessment.status = row.status
        raise WorkflowError(approval_problems(row, by))
    who = "You are" if row.approving_by_id == by.pk else f"{display_name(row.approving_by)} is"
    raise WorkflowError(
        [f"{who} approving this assessment right now. Look at it again in a minute."]
    )


def _approve(freeze, assessment, by, decision, note, attestation) -> WorkflowStep:
    for attempt in range(APPROVAL_ATTEMPTS + 1):
        # After APPROVAL_ATTEMPTS overtaken renders, render under the lock (not overtaken).
        last = attempt == APPROVAL_ATTEMPTS
        approved_at = timezone.now()
        prepared = None
        try:
            if not last:
                prepared = freeze.prepare(
                    _rehearse(assessment, by, decision, note, attestation, approved_at),
                    assessment.office,
                )
            # Its audit events last: the chain head is held only while they are written.
            with atomic_events_last():
                locked, anchor, step = _approval_rows(
                    assessment, by, decision, note, attestation, approved_at
                )
                if last:
                    draft = freeze.assemble_frozen(locked, by, approved_at, anchor)
                    prepared = freeze.prepare(draft, locked.office)
                freeze.freeze_report(locked, approved_by=by, prepared=prepared, anchor=anchor)
                return step
        except freeze.ReportChanged:
            freeze.discard(prepared)
            assessment.status = AssessmentStatus.IN_REVIEW
        except BaseException:
            freeze.discard(prepared)
            raise
    raise AssertionError("unreachable: the last attempt renders under the lock")


def _rehearse(assessment, by, decision, note, attestation, approved_at):
    """The report this approval would freeze now: its writes made and rolled back. Its audit
    events are not written (the report is anchored before them), so the rehearsal leaves the
    chain head free for every other writer."""
    from safeguards.reports import freeze

    try:
        with transaction.atomic(), audit_rehearsal():
            # A copy: the caller's instance must not say "approved" after the rollback.
            locked, anchor, _ = _approval_rows(
                copy.copy(assessment), by, decision, note, attestation, approved_at
            )
            raise _Rehearsed(freeze.assemble_frozen(locked, by, approved_at, anchor))
    except _Rehearsed as rehearsal:
        return rehearsal.draft


def _approval_rows(assessment, by, decision, note, attestation, approved_at):
    """The approval's checks and writes inside the caller's transaction: the step, the
    register's numbering and the decision. Returns the locked row, the assessment's audit
    anchor before the approval, and the step."""
    from safeguards.followup.register import on_approval
    from safeguards.reports.data import audit_anchor

    locked = _lock(assessment)
    problems = approval_problems(locked, by)
    if len(note) > COMMENT_MAX_LENGTH:
        problems.append(f"Keep the note under {COMMENT_MAX_LENGTH} characters.")
    if problems:
        raise WorkflowError(problems)
    if attestation is None:
        attestation = Office.objects.values_list("attestation_text", flat=True).get(
            pk=locked.office_id
        )
    anchor = audit_anchor(locked.pk)
    step = _step(
        assessment,
        locked,
        StepKind.APPROVED,
        AssessmentStatus.APPROVED,
        by,
        at=approved_at,
        attestation=attestation.strip(),
        note=note,
    )
    on_approval(locked, by, step.at, decision)
    return locked, anchor, step


def approval_problems(assessment: Assessment, by) -> list[str]:
    """Why `by` may not approve `assessment` now (empty: they may)."""
    problems = _role_problem(by, assessment, Action.APPROVE, "an approver")
    problems += _status_problem(assessment, AssessmentStatus.IN_REVIEW, "approved")
    if not problems and permissions.has_scored(by, assessment):
        problems.append(
            "You changed answers of this assessment, so another approver must sign it off."
        )
    if not problems:
        from safeguards.team import hooks

        problems += hooks.approval_problems(assessment)
    return problems


def reopen(assessment: Assessment, by, reason: str) -> WorkflowStep:
    """approved -> draft, with the reason; the next approval freezes a new report version."""
    with transaction.atomic():
        locked = _lock(assessment)
        problems = _role_problem(by, locked, Action.APPROVE, "an approver")
        problems += _status_problem(locked, AssessmentStatus.APPROVED, "reopened")
        problems += _comment_problem(reason, "reason for reopening")
        if problems:
            raise WorkflowError(problems)
        return _step(
            assessment, locked, StepKind.REOPENED, AssessmentStatus.DRAFT, by, reason.strip()
        )


def create_assessment(
    deployment, framework_version, *, title: str, as_of, by, based_on: Assessment | None = None
) -> Assessment:
    """A new draft with one not-assessed answer per criterion of the framework version."""
    with transaction.atomic():
        assessment = Assessment.objects.create(
            office_id=deployment.office_id,
            deployment=deployment,
            framework_version=framework_version,
            title=title,
            as_of=as_of,
            based_on=based_on,
            created_by=by,
        )
        Answer.objects.bulk_create(
            Answer(assessment=assessment, criterion=criterion)
            for criterion in framework_version.criteria.order_by("position")
        )
        _record_created(assessment, by)
    return assessment


def _record_created(assessment: Assessment, by, **extra) -> None:
    record(
        "assessment.created",
        actor=by,
        office=assessment.office_id,
        target=assessment,
        assessment=assessment,
        after={
            "title": assessment.title,
            "as_of": assessment.as_of,
            "deployment": assessment.deployment_id,
            "framework_version": assessment.framework_version_id,
            "based_on": assessment.based_on_id,
            **extra,
        },
    )


@dataclass(frozen=True)
class Reassessment:
    assessment: Assessment
    copied: tuple[str, ...]  # codes whose answers were carried over as they were
    unmatched: tuple[str, ...]  # codes of the earlier version no criterion of the new one took up
    new: tuple[str, ...]  # codes of the new version no earlier criterion became
    reset: tuple[str, ...]  # matched, but the old status breaks a rule of the new version
    # Split or merged criteria: the old answers arrive as a suggestion, not assessed until checked.
    suggested: tuple[str, ...] = ()


CARRIED_OVER = "Carried over from {code} (was: {status}) — check:"


def carry_plan(source_version, target_version) -> dict[str, list[tuple[str, str]]]:
    """New code -> [(old code, relation)] through the framework mapping; without a shipped
    mapping (same framework), criteria are matched by code."""
    from safeguards.catalog import mapping

    try:
        forward = mapping.map_codes(
            source_version.framework.slug,
            source_version.version,
            target_version.framework.slug,
            target_version.version,
        )
    except mapping.MappingNotFound:
        old = set(source_version.criteria.values_list("code", flat=True))
        new = target_version.criteria.values_list("code", flat=True)
        return {code: [(code, mapping.SAME)] for code in new if code in old}
    plan: dict[str, list[tuple[str, str]]] = {}
    for old_code, targets in forward.items():
        for new_code, relation in targets:
            plan.setdefault(new_code, []).append((old_code, relation))
    return plan


def _suggestion(earlier: list[Answer]) -> tuple[str, str]:
    """Rationale and recommendation offered from the old answers of a split or merged criterion."""
    rationale = "\n\n".join(
        f"{CARRIED_OVER.format(code=a.criterion.code, status=scoring.STATUS_LABELS[a.status])} "
        f"{a.rationale}".strip()
        for a in earlier
    )
    recommendations = []
    for answer in earlier:
        if answer.recommendation and answer.recommendation not in recommendations:
            recommendations.append(answer.recommendation)
    return rationale, "\n\n".join(recommendations)


def reassessment_choices(source: Assessment):
    """The versions a re-assessment may use: the source's own, or its framework's newest."""
    from safeguards.catalog.models import FrameworkVersion

    newest = (
        FrameworkVersion.objects.filter(framework_id=source.framework_version.framework_id)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    return FrameworkVersion.objects.filter(
        pk__in={source.framework_version_id, newest}
    ).select_related("framework")


def start_from(source: Assessment, framework_version, *, title: str, as_of, by) -> Reassessment:
    """A new draft carrying the source's answers and evidence links over through the framework
    mapping (by criterion code when none is shipped). A criterion that is the same as before
    gets the old answer; one split from or merged out of old ones gets them only as a
    suggestion ("carried over — check"), left not assessed until someone decides."""
    if not reassessment_choices(source).filter(pk=framework_version.pk).exists():
        raise WorkflowError(
            ["A re-assessment uses the same framework version or that framework's newest."]
        )
    with transaction.atomic():
        old = {
            answer.criterion.code: answer
            for answer in source.answers.select_related("criterion").prefetch_related("evidence")
        }
        plan = carry_plan(source.framework_version, framework_version)
        assessment = Assessment.objects.create(
            office_id=source.office_id,
            deployment_id=source.deployment_id,
            framework_version=framework_version,
            title=title,
            as_of=as_of,
            based_on=source,
            created_by=by,
        )
        criteria = list(framework_version.criteria.order_by("position"))
        now, answers, links = timezone.now(), [], []
        copied, reset, suggested, taken_up = [], [], [], set()
        for criterion in criteria:
            sources = [(old[code], relation) for code, relation in plan.get(criterion.code, [])]
            sources = [(answer, relation) for answer, relation in sources if answer is not None]
            if not sources:
                answers.append(Answer(assessment=assessment, criterion=criterion))
                continue
            taken_up.update(answer.criterion.code for answer, _ in sources)
            earlier = [answer for answer, _ in sources]
            if len(sources) == 1 and sources[0][1] == "same":
                (previous,) = earlier
                status, rationale = previous.status, previous.rationale
                recommendation = previous.recommendation
                if answer_problems(status, rationale, red_line=criterion.red_line):
                    status = scoring.NOT_ASSESSED
                    reset.append(criterion.code)
                copied.append(criterion.code)
            else:
                status = scoring.NOT_ASSESSED
                rationale, recommendation = _suggestion(earlier)
                suggested.append(criterion.code)
            answer = Answer(
                assessment=assessment,
                criterion=criterion,
                status=status,
                rationale=rationale,
                recommendation=recommendation,
                updated_by=by,
                updated_at=now,
            )
            answers.append(answer)
            evidence = {item.pk for previous in earlier for item in previous.evidence.all()}
            links.extend((answer, pk) for pk in sorted(evidence))
        Answer.objects.bulk_create(answers)
        Link = Answer.evidence.through
        Link.objects.bulk_create(Link(answer_id=a.pk, evidence_id=e) for a, e in links)
        result = Reassessment(
            assessment=assessment,
            copied=tuple(copied),
            unmatched=tuple(code for code in old if code not in taken_up),
            new=tuple(criterion.code for criterion in criteria if criterion.code not in plan),
            reset=tuple(reset),
            suggested=tuple(suggested),
        )
        _record_created(
            assessment,
            by,
            copied=len(copied),
            unmatched=list(result.unmatched),
            reset=reset,
            suggested=suggested,
        )
    return result


EXECUTIVE_SUMMARY_MAX_LENGTH = 10000


def edit_executive_summary(assessment: Assessment, by, text: str) -> None:
    """Change a draft's executive summary (printed first in every format of its report)."""
    text = (text or "").strip().replace("\r\n", "\n")
    with transaction.atomic():
        locked = _lock(assessment)
        problems = _role_problem(by, locked, Action.EDIT, "a reviewer or approver")
        problems += _status_problem(locked, AssessmentStatus.DRAFT, "edited")
        if len(text) > EXECUTIVE_SUMMARY_MAX_LENGTH:
            problems.append(
                f"Keep the executive summary under {EXECUTIVE_SUMMARY_MAX_LENGTH} characters."
            )
        if problems:
            raise WorkflowError(problems)
        before = locked.executive_summary
        if before == text:
            return
        locked.executive_summary = assessment.executive_summary = text
        locked.save(update_fields=["executive_summary", "updated_at"])
        record(
            "assessment.executive_summary_edited",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked,
            before={"executive_summary": before},
            after={"executive_summary": text},
        )
