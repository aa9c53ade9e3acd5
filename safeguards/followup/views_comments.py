"""Draft for comment: the office freezes a draft, sends it to a respondent or exports its
PDF, records the comments received and its replies; the respondent reads a cut-down copy of
the draft (comment_copy: findings, recommendations, their questions; no score, verdict or
rationale) and comments on its recommendations."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from safeguards.accounts.permissions import Action, can, for_respondent, get_for_user
from safeguards.reports import pdf
from safeguards.reviews.models import Assessment

from . import comments
from .register import FollowupError
from .request_forms import CommentsForm, SendDraftForm
from .request_models import DraftForComment
from .views_requests import _download, _error_messages


def draft_for(user, pk, action=Action.VIEW) -> DraftForComment:
    queryset = DraftForComment.objects.select_related("office", "assessment", "respondent")
    return get_for_user(user, queryset, action, pk=pk)


def _respondent_users(office_id):
    ids = comments.respondents(office_id).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


@require_POST
def draft_freeze(request, pk):
    assessment = get_for_user(
        request.user, Assessment.objects.select_related("office"), Action.EDIT, pk=pk
    )
    try:
        draft = comments.freeze(assessment, request.user)
    except FollowupError as error:
        _error_messages(request, error)
        return redirect(assessment)
    messages.success(request, "The draft is frozen for comment; send it or export its PDF.")
    return redirect(draft)


def _page(request, draft, *, form=None, send_form=None, status=200):
    may_edit = can(request.user, Action.EDIT, draft.office_id)
    rows = list(draft.comments.all())
    if form is None and may_edit:
        initial = {
            "overall": draft.overall_comment,
            "overall_reply": draft.overall_reply,
            "received_on": draft.received_on,
        }
        for c in rows:
            initial |= {
                f"c{c.pk}-position": c.position,
                f"c{c.pk}-comment": c.comment,
                f"c{c.pk}-reply": c.reply,
            }
        form = CommentsForm(initial=initial, comments=rows, office_side=True)
    users = _respondent_users(draft.office_id)
    return render(
        request,
        "followup/draft_comment.html",
        {
            "draft": draft,
            "rows": rows,
            "form": form,
            "may_edit": may_edit,
            "send_form": send_form or (SendDraftForm(users=users) if users.exists() else None),
        },
        status=status,
    )


@require_safe
def draft_detail(request, pk):
    return _page(request, draft_for(request.user, pk))


@require_POST
def draft_send(request, pk):
    draft = draft_for(request.user, pk, Action.EDIT)
    form = SendDraftForm(request.POST, users=_respondent_users(draft.office_id))
    if not form.is_valid():
        return _page(request, draft, send_form=form, status=400)
    try:
        comments.send(draft, request.user, form.cleaned_data["respondent"])
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"Sent to {form.cleaned_data['respondent'].get_username()}.")
    return redirect(draft)


@require_POST
def draft_record(request, pk):
    draft = draft_for(request.user, pk, Action.EDIT)
    form = CommentsForm(request.POST, comments=list(draft.comments.all()), office_side=True)
    if not form.is_valid():
        return _page(request, draft, form=form, status=400)
    data = form.cleaned_data
    comments.office_record(
        draft,
        request.user,
        overall=data["overall"],
        overall_reply=data["overall_reply"],
        received_on=data["received_on"],
        items=form.items(),
    )
    messages.success(request, "Comments and responses saved.")
    return redirect(draft)


def draft_pdf_response(draft) -> HttpResponse:
    head = pdf.letterhead(draft.office)
    try:
        content = pdf.draft_pdf(comments.data_of(draft), paper=head["paper"], logo=head["logo"])
    except pdf.RenderFailed as error:
        return HttpResponse(f"The PDF could not be made: {error}", status=503)
    return _download(content, f"draft-for-comment-{draft.pk}.pdf", "application/pdf")


@require_safe
def draft_pdf(request, pk):
    return draft_pdf_response(draft_for(request.user, pk))


# --- the respondent's side -------------------------------------------------------------------


def sent_draft(user, pk) -> DraftForComment:
    queryset = DraftForComment.objects.select_related("office", "assessment__deployment")
    return for_respondent(user, queryset.exclude(sent_on=None), pk=pk)


def _respondent_page(request, draft, form=None, status=200):
    rows = list(draft.comments.all())
    if form is None and not draft.submitted_at:
        initial = {"overall": draft.overall_comment}
        for c in rows:
            initial |= {f"c{c.pk}-position": c.position, f"c{c.pk}-comment": c.comment}
        form = CommentsForm(initial=initial, comments=rows)
    copy = comments.operator_copy(draft, request.user)
    titles = {f.code: f for f in copy.findings}
    # A recommendation restricted since the freeze is withheld here too (the reason shown).
    for comment in [*rows, *(form.comments if form is not None else ())]:
        finding = titles.get(comment.criterion_code)
        comment.title = finding.title if finding else ""
        comment.withheld = finding.withheld if finding else ""
    return render(
        request,
        "followup/respond_draft.html",
        {"draft": draft, "copy": copy, "rows": rows, "form": None if draft.submitted_at else form},
        status=status,
    )


@require_safe
def respondent_draft(request, pk):
    return _respondent_page(request, sent_draft(request.user, pk))


@require_POST
def respondent_draft_save(request, pk):
    draft = sent_draft(request.user, pk)
    form = CommentsForm(request.POST, comments=list(draft.comments.all()))
    if not form.is_valid():
        return _respondent_page(request, draft, form, status=400)
    try:
        comments.respondent_save(
            draft, request.user, overall=form.cleaned_data["overall"], items=form.items()
        )
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, "Your comments are saved. Submit them when ready.")
    return redirect("respond:draft", pk=draft.pk)


@require_POST
def respondent_draft_submit(request, pk):
    draft = sent_draft(request.user, pk)
    try:
        comments.respondent_submit(draft, request.user)
    except FollowupError as error:
        _error_messages(request, error)
    else:
        messages.success(request, f"Your comments were sent to {draft.office.name}.")
    return redirect("respond:draft", pk=draft.pk)
