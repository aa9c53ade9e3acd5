"""The office's pages of information requests: make, edit, send, invite, record, import,
export (DESIGN.md §10)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from safeguards import canonical
from safeguards.accounts.models import display_name
from safeguards.accounts.permissions import Action, can, get_for_user, visible
from safeguards.reports.pdf import RenderFailed
from safeguards.reviews.models import Assessment

from . import letters, request_file, requests
from .register import FollowupError
from .request_forms import (
    DEFAULT_LETTER,
    ImportForm,
    InviteRespondentForm,
    QuestionTextForm,
    RecordAnswerForm,
    RequestForm,
)
from .request_models import AnswerSource, Attachment, InformationRequest, Question


def request_for(user, pk, action=Action.VIEW) -> InformationRequest:
    queryset = InformationRequest.objects.select_related(
        "office", "deployment", "assessment", "respondent"
    )
    return get_for_user(user, queryset, action, pk=pk)


def question_for(user, pk, action=Action.EDIT) -> Question:
    question = get_object_or_404(Question, pk=pk)
    question.request = request_for(user, question.request_id, action)
    return question


def sent_questions(req) -> list[Question]:
    """The questions sent (numbered), each knowing its request without another query."""
    questions = list(req.questions.exclude(n=None))
    for question in questions:
        question.request = req
    return questions


def _error_messages(request, error: FollowupError) -> None:
    problems = error.problems
    for message in problems.values() if isinstance(problems, dict) else problems:
        messages.error(request, message)


@require_safe
def request_list(request):
    reqs = (
        visible(request.user, InformationRequest.objects.all())
        .select_related("deployment")
        .order_by("-year", "-serial")
    )
    return render(request, "followup/requests.html", {"reqs": reqs, "nav_section": "requests"})


def request_create(request, pk):
    assessment = get_for_user(
        request.user, Assessment.objects.select_related("office", "deployment"), Action.EDIT, pk=pk
    )
    initial = {
        "recipient_organisation": assessment.deployment.operator,
        "covering_letter": DEFAULT_LETTER,
        "due_on": timezone.localdate() + timezone.timedelta(days=30),
    }
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        req = requests.create(
            assessment,
            request.user,
            recipient={
                "name": data["recipient_name"],
                "organisation": data["recipient_organisation"],
                "email": data["recipient_email"],
            },
            due_on=data["due_on"],
            covering_letter=data["covering_letter"],
        )
        messages.success(
            request, f"Request {req.number} made with {req.questions.count()} questions."
        )
        return redirect(req)
    undisclosed = assessment.answers.filter(status="undisclosed").count()
    return render(
        request,
        "followup/request_form.html",
        {"form": form, "assessment": assessment, "undisclosed": undisclosed},
    )


def _page(request, req, *, status=200, **forms):
    now = timezone.now()
    # The page links each answer and file to its evidence: fetched with them, not per row.
    attachments = Prefetch("attachments", Attachment.objects.select_related("evidence"))
    questions = list(req.questions.select_related("evidence").prefetch_related(attachments))
    for question in questions:
        question.request = req
        question.state = requests.question_state(question, req, now)
        question.state_label = requests.STATE_LABELS[question.state]
    sent = [q for q in questions if q.sent]
    counts = {state: sum(q.state == state for q in sent) for state in requests.STATE_LABELS}
    may_edit = can(request.user, Action.EDIT, req.office_id)
    return render(
        request,
        "followup/request.html",
        {
            "req": req,
            "questions": questions,
            "counts": counts,
            "deadline": requests.deadline(req),
            "may_edit": may_edit,
            "invite_form": forms.get("invite_form") or InviteRespondentForm(),
            "import_form": forms.get("import_form") or ImportForm(),
            "add_form": forms.get("add_form") or QuestionTextForm(),
            "import_problems": forms.get("import_problems", []),
            "respondent_name": display_name(req.respondent) if req.respondent else "",
        },
        status=status,
    )


@require_safe
def request_detail(request, pk):
    return _page(request, request_for(request.user, pk))


def request_edit(request, pk):
    req = request_for(request.user, pk, Action.EDIT)
    form = RequestForm(request.POST or None, instance=req)
    if not req.is_draft:
        messages.error(request, "The request has been sent; it can no longer change.")
        return redirect(req)
    if request.method == "POST" and form.is_valid():
        fresh = InformationRequest.objects.get(pk=req.pk)
        requests.update_details(fresh, request.user, form.cleaned_data)
        messages.success(request, "Request saved.")
        return redirect(req)
    return render(request, "followup/request_edit.html", {"form": form, "req": req})


def question_edit(request, pk):
    question = question_for(request.user, pk)
    form = QuestionTextForm(request.POST or None, initial={"text": question.text})
    if request.method == "POST" and form.is_valid():
        try:
            requests.reword(question, request.user, form.cleaned_data["text"])
        except FollowupError as error:
            _error_messages(request, error)
        return redirect(question.request)
    return render(request, "followup/question_form.html", {"form": form, "question": question})


def _drop(request, pk, dropped: bool):
    question = question_for(request.user, pk)
    try:
        requests.set_dropped(question, request.user, dropped)
    except FollowupError as error:
        _error_messages(request, error)
    return redirect(question.request)


@require_POST
def question_drop(request, pk):
    return _drop(request, pk, True)


@require_POST
def question_restore(request, pk):
    return _drop(request, pk, False)


@require_POST
def question_add(request, pk):
    req = request_for(request.user, pk, Action.EDIT)
    form = QuestionTextForm(request.POST)
    if not form.is_valid():
        return _page(request, req, status=400, add_form=form)
    try:
        requests.add_question(req, request.user, form.cleaned_data["text"])
    except FollowupError as error:
        _error_messages(request, error)
    return redirect(req)


@require_POST
def request_send(request, pk):
    req = request_for(request.user, pk, Action.EDIT)
    try:
        requests.send(req, request.user)
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"{req.number} sent on {req.sent_on}, due {req.due_on}.")
    return redirect(req)


@require_POST
def respondent_invite(request, pk):
    req = request_for(request.user, pk, Action.EDIT)
    form = InviteRespondentForm(request.POST)
    if not form.is_valid():
        return _page(request, req, status=400, invite_form=form)
    data = form.cleaned_data
    try:
        invitation = requests.invite_respondent(
            req,
            request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
        )
    except FollowupError as error:
        for field, message in error.problems.items():
            form.add_error(field, message)
        return _page(request, req, status=400, invite_form=form)
    link = (
        request.build_absolute_uri(invitation.set_password_path)
        if invitation.set_password_path
        else ""
    )
    # Shown once, like the members page's invitations: not stored, not in a message.
    return render(
        request,
        "followup/respondent_invited.html",
        {"req": req, "link": link, "name": display_name(invitation.user)},
    )


def answer_record(request, pk):
    question = question_for(request.user, pk)
    form = RecordAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data.get("upload") and form.checked:
                    requests.store_attachment(question, request.user, data["upload"], form.checked)
                requests.record_answer(
                    question, request.user, text=data["text"], received_on=data["received_on"]
                )
        except FollowupError as error:
            _error_messages(request, error)
        else:
            messages.success(request, f"Answer to {question.number} recorded as evidence.")
        return redirect(question.request)
    return render(request, "followup/answer_form.html", {"form": form, "question": question})


@require_POST
def answers_import(request, pk):
    req = request_for(request.user, pk, Action.EDIT)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, req, status=400, import_form=form)
    questions = {q.number: q for q in sent_questions(req)}
    open_numbers = set(questions) if not req.is_draft else set()
    answers, problems = request_file.parse(
        form.cleaned_data["file"].read(), req.number, open_numbers
    )
    if not problems and not answers:
        problems = ["The file holds no answers."]
    if problems:
        return _page(request, req, status=400, import_form=form, import_problems=problems)
    today = timezone.localdate()
    with transaction.atomic():
        for answer in answers:
            requests.record_answer(
                questions[answer.number],
                request.user,
                text=answer.text,
                received_on=answer.received_on or today,
                source=AnswerSource.IMPORT,
            )
    messages.success(request, f"{len(answers)} answers imported from the file.")
    return redirect(req)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def letter_pdf_response(req) -> HttpResponse:
    try:
        content = letters.letter_pdf(req, list(req.questions.all()))
    except RenderFailed as error:
        return HttpResponse(f"The letter could not be made: {error}", status=503)
    return _download(content, f"{req.number}.pdf", "application/pdf")


def letter_docx_response(req) -> HttpResponse:
    content = letters.letter_docx(req, list(req.questions.all()))
    return _download(
        content,
        f"{req.number}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def request_json_response(req) -> HttpResponse:
    questions = sent_questions(req)
    doc = request_file.export(
        {
            "number": req.number,
            "office": req.office.name,
            "deployment": req.deployment.name,
            "recipient": {
                "name": req.recipient_name,
                "organisation": req.recipient_organisation,
            },
            "sent_on": req.sent_on.isoformat() if req.sent_on else None,
            "due_on": req.due_on.isoformat(),
            "covering_letter": req.covering_letter,
        },
        [{"number": q.number, "question": q.text} for q in questions],
    )
    content = canonical.canonical_json(doc)
    return _download(content, f"{req.number}.json", "application/json")


@require_safe
def letter_pdf(request, pk):
    return letter_pdf_response(request_for(request.user, pk))


@require_safe
def letter_docx(request, pk):
    return letter_docx_response(request_for(request.user, pk))


@require_safe
def request_json(request, pk):
    return request_json_response(request_for(request.user, pk))
