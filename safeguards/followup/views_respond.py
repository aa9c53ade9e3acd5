"""The respondent's pages: only the requests sent to them, answered with text and files,
saved to come back to, then submitted and read-only (DESIGN.md §1, §10). Nothing here shows a
score, a verdict, a rationale, or a question that was not sent."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from safeguards.accounts.permissions import for_respondent
from safeguards.reviews import uploads

from . import requests
from .register import FollowupError
from .request_forms import AnswerForm
from .request_models import (
    Attachment,
    DraftForComment,
    InformationRequest,
    Question,
    RequestStatus,
)
from .views_requests import _error_messages, letter_pdf_response, request_json_response

SENT = (RequestStatus.SENT, RequestStatus.SUBMITTED)


def sent_request(user, pk) -> InformationRequest:
    queryset = InformationRequest.objects.select_related("office", "deployment")
    return for_respondent(user, queryset.filter(status__in=SENT), pk=pk)


def sent_question(user, pk) -> Question:
    question = get_object_or_404(Question.objects.exclude(n=None), pk=pk)
    question.request = sent_request(user, question.request_id)
    return question


@require_safe
def respondent_home(request):
    reqs = (
        InformationRequest.objects.filter(respondent=request.user, status__in=SENT)
        .select_related("office", "deployment")
        .order_by("due_on", "pk")
    )
    drafts = (
        DraftForComment.objects.filter(respondent=request.user)
        .exclude(sent_on=None)
        .select_related("office", "assessment__deployment")
        .order_by("-sent_on", "-pk")
    )
    return render(request, "followup/respond_home.html", {"reqs": reqs, "drafts": drafts})


def _page(request, req, forms=None, status=200):
    forms = forms or {}
    questions = list(req.questions.exclude(n=None).prefetch_related("attachments"))
    open_ = req.status == RequestStatus.SENT
    for question in questions:
        question.request = req
        question.state = requests.question_state(question, req)
        question.state_label = requests.STATE_LABELS[question.state]
        if open_ and not question.answered_on:
            question.form = forms.get(question.pk) or AnswerForm(
                initial={"text": question.answer_text}, prefix=f"q{question.pk}"
            )
    return render(
        request,
        "followup/respond_request.html",
        {"req": req, "questions": questions, "open": open_},
        status=status,
    )


@require_safe
def respondent_request(request, pk):
    return _page(request, sent_request(request.user, pk))


@require_POST
def respondent_answer(request, pk):
    question = sent_question(request.user, pk)
    req = question.request
    form = AnswerForm(request.POST, request.FILES, prefix=f"q{question.pk}")
    if not form.is_valid():
        return _page(request, req, {question.pk: form}, status=400)
    try:
        with transaction.atomic():
            requests.save_answer(question, request.user, form.cleaned_data["text"])
            if form.cleaned_data.get("upload") and form.checked:
                requests.store_attachment(
                    question, request.user, form.cleaned_data["upload"], form.checked
                )
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"Your answer to {question.number} is saved. Submit when ready.")
    return redirect("respond:request", pk=req.pk)


@require_POST
def respondent_submit(request, pk):
    req = sent_request(request.user, pk)
    try:
        answered = requests.submit(req, request.user)
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"Submitted: {answered} answers sent to {req.office.name}.")
    return redirect("respond:request", pk=req.pk)


@require_safe
def respondent_letter(request, pk):
    return letter_pdf_response(sent_request(request.user, pk))


@require_safe
def respondent_json(request, pk):
    return request_json_response(sent_request(request.user, pk))


@require_safe
def respondent_file(request, pk):
    """A file the respondent uploaded (nothing else of the office's evidence)."""
    attachment = get_object_or_404(Attachment.objects.select_related("question"), pk=pk)
    sent_request(request.user, attachment.question.request_id)
    if attachment.uploaded_by_id != request.user.pk:
        raise Http404("No such file.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=uploads.download_name(attachment.file_name, attachment.file_type),
        content_type=attachment.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
