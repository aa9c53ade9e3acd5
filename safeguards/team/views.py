"""Assignments of an assessment; its review notes (raise, reply, clear) and review marks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from safeguards.accounts.models import display_name
from safeguards.accounts.permissions import Action, can, get_for_user
from safeguards.reviews.models import Answer, Assessment, AssessmentStatus

from . import people, review
from .assign import AssignmentError, save_assignments
from .forms import AssignmentsForm, RaiseNoteForm, ReplyForm
from .models import Assignment, ReviewNote

ASSESSMENT = Assessment.objects.select_related("framework_version").only(
    "office", "title", "status", "framework_version", "deployment"
)


def assignments(request, pk):
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    assessment = get_for_user(request.user, ASSESSMENT, action, pk=pk)
    categories = list(assessment.framework_version.categories.all())
    current = {
        a.category_id: a
        for a in Assignment.objects.filter(assessment=assessment).select_related(
            "assignee", "assignee__profile"
        )
    }
    editable = assessment.status != AssessmentStatus.APPROVED and can(
        request.user, Action.EDIT, assessment.office_id
    )
    form = AssignmentsForm(
        request.POST if request.method == "POST" else None,
        categories=categories,
        editors=list(people.editors(assessment.office_id)),
        current=current,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = save_assignments(assessment, form.wanted(), request.user)
            except AssignmentError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"{changed} assignment(s) changed.")
            return redirect("team:assignments", pk=assessment.pk)
        messages.error(request, "Nothing was saved: correct what is marked below.")
    rows = [
        {
            "category": category,
            "assignment": current.get(category.pk),
            "name": display_name(current[category.pk].assignee) if category.pk in current else "",
        }
        for category in categories
    ]
    return render(
        request,
        "team/assignments.html",
        {"assessment": assessment, "form": form, "rows": rows, "editable": editable},
        status=400 if form.is_bound else 200,
    )


@require_GET
def notes(request, pk):
    assessment = get_for_user(request.user, ASSESSMENT, Action.VIEW, pk=pk)
    answers = list(assessment.answers.select_related("criterion__category"))
    all_notes = list(
        ReviewNote.objects.filter(assessment=assessment)
        .select_related("answer__criterion__category")
        .prefetch_related("replies")
        .order_by("answer__criterion__position", "raised_at")
    )
    reviews = review.answer_reviews(assessment.pk)
    may_raise = review.may_raise(request.user, assessment)
    for note in all_notes:
        note.may_clear = review.may_clear(request.user, note)
        note.may_reply = may_raise and note.is_open
    edited = [a for a in answers if reviews.get(a.pk) and reviews[a.pk].edited_after_review]
    for answer in edited:
        answer.may_mark = may_raise and answer.updated_by_id != request.user.pk
    initial = {}
    if request.GET.get("answer", "").isdigit():
        initial["answer"] = int(request.GET["answer"])
    return render(
        request,
        "team/notes.html",
        {
            "assessment": assessment,
            "open_notes": [n for n in all_notes if n.is_open],
            "cleared_notes": [n for n in all_notes if not n.is_open],
            "edited": edited,
            "may_raise": may_raise,
            "raise_form": RaiseNoteForm(answers=answers, initial=initial) if may_raise else None,
            "reply_form": ReplyForm(),
            "show_edited": request.GET.get("filter") == "edited",
        },
    )


def _answer(assessment, raw) -> Answer:
    answer = (
        Answer.objects.select_related("criterion").filter(assessment=assessment, pk=raw).first()
        if str(raw).isdigit()
        else None
    )
    if answer is None:
        raise Http404("No such answer in this assessment.")
    return answer


@require_POST
def note_raise(request, pk):
    assessment = get_for_user(request.user, ASSESSMENT, Action.EDIT, pk=pk)
    answers = list(assessment.answers.select_related("criterion"))
    form = RaiseNoteForm(request.POST, answers=answers)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"The note was not raised: {error}")
        return redirect("team:notes", pk=assessment.pk)
    try:
        note = review.raise_note(
            assessment,
            _answer(assessment, form.cleaned_data["answer"]),
            request.user,
            form.cleaned_data["text"],
        )
    except review.ReviewError as error:
        messages.error(request, error.message)
        return redirect("team:notes", pk=assessment.pk)
    messages.success(request, f"Note raised on {note.answer.criterion.code}.")
    return redirect(note)


def _note(request, pk, action=Action.EDIT) -> ReviewNote:
    return get_for_user(request.user, ReviewNote.objects.select_related("raised_by"), action, pk=pk)


@require_POST
def note_reply(request, pk):
    note = _note(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the reply first.")
        return redirect(note)
    try:
        review.reply(note, request.user, form.cleaned_data["text"])
    except review.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Reply added.")
    return redirect(note)


@require_POST
def note_clear(request, pk):
    note = _note(request, pk, Action.VIEW)
    if note.is_open and not review.may_clear(request.user, note):
        raise PermissionDenied("Only the note's author can clear it.")
    try:
        review.clear(note, request.user)
    except review.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Note cleared.")
    return redirect(note)


@require_POST
def answer_reviewed(request, pk):
    assessment = get_for_user(request.user, ASSESSMENT, Action.EDIT, pk=pk)
    answer = _answer(assessment, request.POST.get("answer", ""))
    try:
        review.mark_reviewed(assessment, answer, request.user)
    except review.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{answer.criterion.code} marked as reviewed.")
    return redirect(reverse("team:notes", args=[assessment.pk]) + "?filter=edited")
