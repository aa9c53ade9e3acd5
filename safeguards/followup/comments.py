"""Draft for comment (DESIGN.md §10): a draft report frozen and sent to the operator; their
comments recorded verbatim, overall and per recommendation with their position (which sets
the recommendation's agency response), and the office's reply to each."""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from safeguards import canonical
from safeguards.accounts.models import Membership, Role
from safeguards.audit.record import record
from safeguards.reviews.models import AssessmentStatus

from . import states
from .models import Recommendation
from .register import FollowupError, local_date
from .request_models import DraftForComment, RecommendationComment


def freeze(assessment, by) -> DraftForComment:
    """Freeze the draft as it stands: its report JSON, and one comment slot per gap that
    carries a recommendation."""
    from safeguards.reports.data import live_report

    if assessment.status == AssessmentStatus.APPROVED:
        raise FollowupError(["An approved report is final: reopen it to send a draft for comment."])
    data = live_report(assessment).as_dict()
    by_code = {row["code"]: row for row in data["criteria"]}
    with transaction.atomic():
        draft = DraftForComment.objects.create(
            office_id=assessment.office_id,
            assessment=assessment,
            fingerprint=data["fingerprint"],
            content=canonical.canonical_json(data).decode(),
            frozen_by=by,
        )
        RecommendationComment.objects.bulk_create(
            RecommendationComment(
                draft=draft,
                criterion_code=code,
                recommendation_text=by_code[code]["recommendation"],
            )
            for code in data["summary"]["gaps"]
            if by_code[code]["recommendation"].strip()
        )
        record(
            "draft_comment.frozen",
            actor=by,
            office=draft.office_id,
            target=draft,
            assessment=assessment.pk,
            after={"fingerprint": draft.fingerprint, "recommendations": draft.comments.count()},
        )
    return draft


def data_of(draft: DraftForComment) -> dict:
    return json.loads(draft.content)


def respondents(office_id: int):
    return Membership.objects.filter(office_id=office_id, role=Role.RESPONDENT).select_related(
        "user"
    )


def send(draft: DraftForComment, by, respondent) -> None:
    from safeguards.notifications import notify

    if not respondents(draft.office_id).filter(user=respondent).exists():
        raise FollowupError({"respondent": "Choose a respondent of this office."})
    with transaction.atomic():
        locked = DraftForComment.objects.select_for_update().get(pk=draft.pk)
        locked.respondent = respondent
        locked.sent_on = local_date(timezone.now(), locked.office)
        locked.save(update_fields=["respondent", "sent_on"])
        record(
            "draft_comment.sent",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked.assessment_id,
            after={"respondent": respondent.get_username(), "sent_on": locked.sent_on},
        )
        notify(
            [respondent],
            "draft_for_comment",
            f"A draft from {locked.office.name} for your comments",
            url=reverse("respond:draft", args=[locked.pk]),
            office=locked.office,
        )
    draft.refresh_from_db()


def _save(draft, by, *, overall: str, items: dict[int, dict], office_side: bool, **extra):
    """Write the comments (and, for the office, the replies); returns the changed fields."""
    before = {"overall_comment": draft.overall_comment, "overall_reply": draft.overall_reply}
    draft.overall_comment = overall
    fields = ["overall_comment"]
    for name, value in extra.items():
        setattr(draft, name, value)
        fields.append(name)
    draft.save(update_fields=fields)
    changes = {}
    for comment in draft.comments.all():
        values = items.get(comment.pk)
        if values is None:
            continue
        allowed = ("position", "comment", "reply") if office_side else ("position", "comment")
        changed = {
            k: values[k] for k in allowed if k in values and getattr(comment, k) != values[k]
        }
        if changed:
            RecommendationComment.objects.filter(pk=comment.pk).update(**changed)
            changes[comment.criterion_code] = changed
    return before, changes


def respondent_save(draft, by, *, overall: str, items: dict[int, dict]) -> None:
    with transaction.atomic():
        locked = DraftForComment.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_at:
            raise FollowupError(["Your comments were submitted; they can no longer change."])
        _, changes = _save(locked, by, overall=overall, items=items, office_side=False)
        record(
            "draft_comment.saved",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked.assessment_id,
            after={"overall": overall, "recommendations": changes},
        )


def respondent_submit(draft, by) -> None:
    with transaction.atomic():
        locked = DraftForComment.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_at:
            raise FollowupError(["Your comments were submitted already."])
        locked.submitted_at = timezone.now()
        locked.received_on = local_date(locked.submitted_at, locked.office)
        locked.save(update_fields=["submitted_at", "received_on"])
        record(
            "draft_comment.submitted",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked.assessment_id,
            after={"received_on": locked.received_on},
        )
        apply_positions(locked, by)


def office_record(draft, by, *, overall: str, overall_reply: str, received_on, items) -> None:
    """Comments received by letter (verbatim) and the office's replies."""
    with transaction.atomic():
        locked = DraftForComment.objects.select_for_update().get(pk=draft.pk)
        before, changes = _save(
            locked,
            by,
            overall=overall,
            items=items,
            office_side=True,
            overall_reply=overall_reply,
            received_on=received_on,
        )
        record(
            "draft_comment.recorded",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked.assessment_id,
            before=before,
            after={
                "overall_comment": overall,
                "overall_reply": overall_reply,
                "received_on": received_on,
                "recommendations": changes,
            },
        )
        apply_positions(locked, by)


def apply_positions(draft: DraftForComment, by) -> list[str]:
    """Set the agency response of the deployment's live recommendations from the positions
    given (matched on criterion code). Returns the numbers changed."""
    comments = {c.criterion_code: c for c in draft.comments.exclude(position="")}
    if not comments:
        return []
    recs = Recommendation.objects.select_for_update().filter(
        deployment_id=draft.assessment.deployment_id,
        criterion_code__in=list(comments),
        status__in=states.LIVE,
    )
    changed = []
    for rec in recs:
        comment = comments[rec.criterion_code]
        values = {
            "agency_response": comment.position,
            "agency_response_text": comment.comment,
            "agency_response_date": draft.received_on,
        }
        if all(getattr(rec, k) == v for k, v in values.items()):
            continue
        before = {k: getattr(rec, k) for k in values}
        Recommendation.objects.filter(pk=rec.pk).update(**values, version=F("version") + 1)
        record(
            "recommendation.updated",
            actor=by,
            office=rec.office_id,
            target=rec,
            before={"number": rec.number} | before,
            after={"number": rec.number, "from_draft_for_comment": draft.pk} | values,
        )
        changed.append(rec.number)
    return changed


def latest_with_comments(assessment_id: int) -> DraftForComment | None:
    return (
        DraftForComment.objects.filter(assessment_id=assessment_id)
        .exclude(received_on=None)
        .order_by("-frozen_at", "-pk")
        .first()
    )


def apply_to_register(assessment, by) -> None:
    """At approval, once the new recommendations are numbered: their agency responses come
    from the comments on the draft."""
    draft = latest_with_comments(assessment.pk)
    if draft is not None:
        apply_positions(draft, by)


def report_row(assessment_id: int, deployment_id: int) -> dict | None:
    """The report's `agency_comments`: the latest draft for comment that got comments."""
    draft = latest_with_comments(assessment_id)
    if draft is None:
        return None
    numbers = dict(
        Recommendation.objects.filter(deployment_id=deployment_id)
        .exclude(status="superseded")
        .order_by("year", "serial")
        .values_list("criterion_code", "number")
    )
    return {
        "draft_fingerprint": draft.fingerprint,
        "sent_on": draft.sent_on.isoformat() if draft.sent_on else None,
        "received_on": draft.received_on.isoformat(),
        "overall": {"comment": draft.overall_comment, "reply": draft.overall_reply},
        "recommendations": [
            {
                "criterion": c.criterion_code,
                "number": numbers.get(c.criterion_code),
                "recommendation": c.recommendation_text,
                "position": c.position or None,
                "comment": c.comment,
                "reply": c.reply,
            }
            for c in draft.comments.order_by("pk")
            if c.position or c.comment or c.reply
        ],
    }


def operator_copy(draft: DraftForComment, user):
    """The cut-down copy of the draft for the respondent `user` (comment_copy): restricted
    recommendations withheld as marked now, and the questions of the requests sent to them on
    this deployment. Three queries."""
    from safeguards.restricted.marks import marks_for

    from . import comment_copy
    from .request_models import Question, RequestStatus
    from .requests import STATE_LABELS, question_state

    questions = (
        Question.objects.filter(
            request__respondent=user,
            request__deployment_id=draft.assessment.deployment_id,
            n__isnull=False,
        )
        .exclude(request__status=RequestStatus.DRAFT)
        .select_related("request__office")
        .order_by("request__year", "request__serial", "n")
    )
    now = timezone.now()
    asked = []
    for question in questions:
        state = question_state(question, question.request, now)
        asked.append(
            comment_copy.Asked(
                number=question.number,
                question=question.text,
                state=state,
                label=STATE_LABELS[state],
            )
        )
    return comment_copy.build(data_of(draft), marks_for(draft.assessment).answers, asked)
