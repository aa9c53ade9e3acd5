"""Information requests: made from an assessment's undisclosed criteria, edited while being
prepared, sent, answered (by the respondent, or recorded by the office), and marked "no
response" after the due date (DESIGN.md §10). Every change writes its audit event in the same
transaction."""

from __future__ import annotations

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.core.files import File
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from safeguards.accounts import members
from safeguards.accounts.models import Membership, Role
from safeguards.audit.record import record
from safeguards.reports.assemble import operator_question
from safeguards.reviews import uploads
from safeguards.reviews.models import Answer, AssessmentStatus, Evidence, ReadOnlyError
from safeguards.scoring import UNDISCLOSED

from .register import FollowupError, local_date
from .request_models import (
    AnswerSource,
    Attachment,
    InformationRequest,
    Question,
    RequestStatus,
)


def next_serial(office, year: int) -> tuple[int, str]:
    """The office's next request serial for the year and its number, e.g. 'OIG-IR-2026-03'.
    The unique constraint refuses a duplicate should two be made at the same instant."""
    last = InformationRequest.objects.filter(office=office, year=year).aggregate(Max("serial"))
    serial = (last["serial__max"] or 0) + 1
    return serial, f"{office.slug.upper()}-IR-{year}-{serial:02d}"


def deadline(req: InformationRequest) -> datetime.datetime:
    """The moment a question becomes "no response": the end of the due date, in the office's
    time zone (the due date is the last day to answer)."""
    try:
        zone = ZoneInfo(req.office.time_zone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    next_day = req.due_on + datetime.timedelta(days=1)
    return datetime.datetime.combine(next_day, datetime.time(0), tzinfo=zone)


def question_state(question: Question, req: InformationRequest, now=None) -> str:
    """answered, no_response, overdue (past due, not yet recorded), pending, or dropped."""
    if not question.sent:
        return "dropped"
    if question.answered_on:
        return "answered"
    if question.no_response_at:
        return "no_response"
    if req.status != RequestStatus.DRAFT and (now or timezone.now()) >= deadline(req):
        return "overdue"
    return "pending"


STATE_LABELS = {
    "answered": "Answered",
    "no_response": "No response",
    "overdue": "Overdue",
    "pending": "Pending",
    "dropped": "Dropped (not sent)",
}


def _renumber(req: InformationRequest) -> None:
    kept = list(req.questions.exclude(n=None).order_by("position", "pk"))
    # Clear first: the numbers are unique per request.
    Question.objects.filter(pk__in=[q.pk for q in kept]).update(n=None)
    for n, question in enumerate(kept, start=1):
        Question.objects.filter(pk=question.pk).update(n=n)


def _editable(req: InformationRequest) -> InformationRequest:
    locked = InformationRequest.objects.select_for_update().get(pk=req.pk)
    if locked.status != RequestStatus.DRAFT:
        raise FollowupError(["The request has been sent; its questions can no longer change."])
    return locked


def create(assessment, by, *, recipient: dict, due_on, covering_letter: str):
    """A request holding one question per undisclosed criterion of the assessment."""
    today = local_date(timezone.now(), assessment.office)
    undisclosed = (
        Answer.objects.filter(assessment=assessment, status=UNDISCLOSED)
        .select_related("criterion", "criterion__category")
        .order_by("criterion__category__position", "criterion__position")
    )
    with transaction.atomic():
        serial, number = next_serial(assessment.office, today.year)
        req = InformationRequest.objects.create(
            office_id=assessment.office_id,
            deployment_id=assessment.deployment_id,
            assessment=assessment,
            number=number,
            year=today.year,
            serial=serial,
            recipient_name=recipient["name"],
            recipient_organisation=recipient["organisation"],
            recipient_email=recipient.get("email", ""),
            due_on=due_on,
            covering_letter=covering_letter,
            created_by=by,
        )
        Question.objects.bulk_create(
            Question(
                request=req,
                position=index,
                n=index,
                criterion_code=answer.criterion.code,
                criterion_title=answer.criterion.title,
                text=operator_question(
                    answer.criterion.code, answer.criterion.title, answer.criterion.question
                ),
            )
            for index, answer in enumerate(undisclosed, start=1)
        )
        record(
            "request.created",
            actor=by,
            office=req.office_id,
            target=req,
            assessment=assessment.pk,
            after={
                "number": number,
                "recipient": recipient,
                "due_on": due_on,
                "questions": req.questions.count(),
            },
        )
    return req


def update_details(req, by, values: dict) -> list[str]:
    """Recipient, due date, covering letter: while the request is being prepared."""
    with transaction.atomic():
        locked = _editable(req)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return []
        before = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        record(
            "request.changed",
            actor=by,
            office=locked.office_id,
            target=locked,
            before={"number": locked.number} | before,
            after={"number": locked.number} | {name: values[name] for name in changed},
        )
    return changed


def reword(question: Question, by, text: str) -> None:
    with transaction.atomic():
        req = _editable(question.request)
        before = question.text
        Question.objects.filter(pk=question.pk).update(text=text, version=F("version") + 1)
        record(
            "request.question_reworded",
            actor=by,
            office=req.office_id,
            target=question,
            before={"request": req.number, "position": question.position, "text": before},
            after={"request": req.number, "position": question.position, "text": text},
        )


def set_dropped(question: Question, by, dropped: bool) -> None:
    """Drop a question (kept, unnumbered, never sent) or take it back."""
    with transaction.atomic():
        req = _editable(question.request)
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.sent != dropped:
            return  # already so
        # A placeholder number past the end, then renumbering puts it in its place.
        Question.objects.filter(pk=question.pk).update(
            n=None if dropped else 10_000 + question.position
        )
        _renumber(req)
        record(
            "request.question_dropped" if dropped else "request.question_restored",
            actor=by,
            office=req.office_id,
            target=question,
            after={"request": req.number, "criterion": question.criterion_code},
        )


def add_question(req, by, text: str) -> Question:
    with transaction.atomic():
        locked = _editable(req)
        last = locked.questions.aggregate(Max("position"))["position__max"] or 0
        question = Question.objects.create(
            request=locked, position=last + 1, n=10_000 + last + 1, text=text
        )
        _renumber(locked)
        question.refresh_from_db()
        record(
            "request.question_added",
            actor=by,
            office=locked.office_id,
            target=question,
            after={"request": locked.number, "text": text},
        )
    return question


def send(req, by) -> None:
    """Send the request: its questions are fixed from now on; the respondent (if invited) is
    told."""
    from safeguards.notifications import notify

    with transaction.atomic():
        locked = _editable(req)
        if not locked.questions.exclude(n=None).exists():
            raise FollowupError(["A request needs at least one question to be sent."])
        locked.status = RequestStatus.SENT
        locked.sent_on = local_date(timezone.now(), locked.office)
        locked.save(update_fields=["status", "sent_on"])
        record(
            "request.sent",
            actor=by,
            office=locked.office_id,
            target=locked,
            after={
                "number": locked.number,
                "sent_on": locked.sent_on,
                "due_on": locked.due_on,
                "questions": locked.questions.exclude(n=None).count(),
            },
        )
        if locked.respondent_id:
            notify(
                [locked.respondent],
                "request_sent",
                f"Questions from {locked.office.name}: {locked.number}, due {locked.due_on}",
                url=reverse("respond:request", args=[locked.pk]),
                office=locked.office,
            )
    req.refresh_from_db()


def invite_respondent(req, by, *, username: str, full_name: str, email: str):
    """Make (or reuse) the respondent account for this request. Returns the invitation (its
    one-time link is shown once to the office; members.invite makes it)."""
    with transaction.atomic():
        existing = Membership.objects.filter(office_id=req.office_id, user__username=username)
        membership = existing.select_related("user").first()
        if membership is not None and membership.role != Role.RESPONDENT:
            raise FollowupError(
                {"username": f"{username} is a member of the office, not a respondent."}
            )
        if membership is not None:
            user = membership.user
            invitation = members.Invitation(
                user=user,
                created=False,
                set_password_path=""
                if user.has_usable_password()
                else members.set_password_path(user),
            )
        else:
            try:
                invitation = members.invite(
                    req.office,
                    username=username,
                    role=Role.RESPONDENT,
                    by=by,
                    email=email,
                    full_name=full_name,
                )
            except members.MembershipError as error:
                raise FollowupError({"username": error.message}) from error
            user = invitation.user
        InformationRequest.objects.filter(pk=req.pk).update(respondent=user)
        record(
            "request.respondent_invited",
            actor=by,
            office=req.office_id,
            target=req,
            after={"number": req.number, "respondent": username},
        )
    req.refresh_from_db()
    return invitation


def store_attachment(question: Question, by, upload, checked: uploads.CheckedFile) -> Attachment:
    """Keep an uploaded file (already checked by uploads.inspect) under a name we choose."""
    attachment = Attachment(
        question=question,
        file_name=checked.display_name,
        file_size=checked.size,
        file_sha256=checked.sha256,
        file_type=checked.mime_type,
        uploaded_by=by,
    )
    upload.seek(0)
    attachment.file.save(secrets.token_hex(16) + checked.extension, File(upload), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record(
                "request.file_added",
                actor=by,
                office=question.request.office_id,
                target=question,
                after={
                    "question": question.number,
                    "file_name": attachment.file_name,
                    "sha256": attachment.file_sha256,
                    "size": attachment.file_size,
                    "type": attachment.file_type,
                },
            )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _answering(req, by) -> InformationRequest:
    locked = InformationRequest.objects.select_for_update().get(pk=req.pk)
    if locked.status != RequestStatus.SENT:
        raise FollowupError(["This request is not open for answers."])
    return locked


def save_answer(question: Question, by, text: str) -> None:
    """The respondent's answer text, saved to come back to (not yet given to the office)."""
    with transaction.atomic():
        req = _answering(question.request, by)
        if question.answered_on:
            raise FollowupError(["This question was answered already."])
        Question.objects.filter(pk=question.pk).update(
            answer_text=text, answer_source=AnswerSource.RESPONDENT, version=F("version") + 1
        )
        record(
            "request.answer_saved",
            actor=by,
            office=req.office_id,
            target=question,
            after={"question": question.number, "text": text},
        )


def _answer_to_link(req: InformationRequest, code: str):
    """The answer of the criterion in the deployment's newest draft (the request's own
    assessment while it is a draft, else a re-assessment), or None."""
    if not code:
        return None
    return (
        Answer.objects.filter(
            assessment__deployment_id=req.deployment_id,
            assessment__status=AssessmentStatus.DRAFT,
            criterion__code=code,
        )
        .select_related("assessment", "criterion")
        .order_by("-assessment__created_at", "-assessment_id")
        .first()
    )


def _make_evidence(question: Question, req: InformationRequest, by) -> list[Evidence]:
    """The answer as evidence of the deployment: its text as correspondence, each file as a
    file (hash, size and type as checked at upload), linked to the criterion's draft answer."""
    from safeguards.reviews.forms.evidence import record_added

    title = f"{question.number}: answer from {req.recipient_organisation}"
    made = []
    if question.answer_text.strip():
        made.append(
            Evidence(
                office_id=req.office_id,
                deployment_id=req.deployment_id,
                title=title[:300],
                kind="correspondence",
                citation=question.number,
                excerpt=question.answer_text,
                retrieved_on=question.answered_on,
                added_by=by,
            )
        )
    for attachment in question.attachments.filter(evidence=None):
        evidence = Evidence(
            office_id=req.office_id,
            deployment_id=req.deployment_id,
            title=f"{title} ({attachment.file_name})"[:300],
            kind="file",
            citation=question.number,
            retrieved_on=question.answered_on,
            file=attachment.file.name,
            file_name=attachment.file_name,
            file_size=attachment.file_size,
            file_sha256=attachment.file_sha256,
            file_type=attachment.file_type,
            added_by=by,
        )
        evidence._attachment = attachment
        made.append(evidence)
    for evidence in made:
        evidence.save()
        record_added(evidence, by)
        attachment = getattr(evidence, "_attachment", None)
        if attachment is not None:
            Attachment.objects.filter(pk=attachment.pk).update(evidence=evidence)
    if made:
        Question.objects.filter(pk=question.pk).update(evidence=made[0])
        answer = _answer_to_link(req, question.criterion_code)
        if answer is not None:
            for evidence in made:
                try:
                    answer.link_evidence(evidence, by=by)
                except ReadOnlyError:
                    break
    return made


def submit(req, by) -> int:
    """The respondent hands in their answers: each answered question becomes evidence, and
    the request can be read but no longer changed. Returns how many questions were answered."""
    from safeguards.notifications import notify

    with transaction.atomic():
        locked = _answering(req, by)
        today = local_date(timezone.now(), locked.office)
        answered = 0
        for question in locked.questions.exclude(n=None).filter(answered_on=None):
            question.request = locked
            if not question.answer_text.strip() and not question.attachments.exists():
                continue
            Question.objects.filter(pk=question.pk).update(
                answered_on=today, answered_by=by, answer_source=AnswerSource.RESPONDENT
            )
            question.answered_on = today
            _make_evidence(question, locked, by)
            answered += 1
        locked.status = RequestStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        record(
            "request.submitted",
            actor=by,
            office=locked.office_id,
            target=locked,
            after={"number": locked.number, "answered": answered},
        )
        if locked.created_by_id:
            notify(
                [locked.created_by],
                "request_answered",
                f"{locked.number}: {answered} answers from {locked.recipient_organisation}",
                url=locked.get_absolute_url(),
                office=locked.office,
            )
    req.refresh_from_db()
    return answered


def record_answer(question: Question, by, *, text: str, received_on, source=AnswerSource.OFFICE):
    """An answer received by letter or e-mail (or from the filled-in file), recorded by the
    office: it becomes evidence at once."""
    with transaction.atomic():
        req = InformationRequest.objects.select_for_update().get(pk=question.request_id)
        if req.status == RequestStatus.DRAFT:
            raise FollowupError(["Send the request before recording answers."])
        if not question.sent:
            raise FollowupError(["This question was dropped and never sent."])
        Question.objects.filter(pk=question.pk).update(
            answer_text=text,
            answer_source=source,
            answered_on=received_on,
            answered_by=by,
            no_response_at=None,
            version=F("version") + 1,
        )
        question.refresh_from_db()
        question.request = req
        _make_evidence(question, req, by)
        record(
            "request.answer_recorded",
            actor=by,
            office=req.office_id,
            target=question,
            after={
                "question": question.number,
                "text": text,
                "received_on": received_on,
                "source": source,
            },
        )
