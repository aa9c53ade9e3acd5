"""Workflow steps of an assessment, one POST view each: submit, return, approve, reopen."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeguards.accounts.models import display_name
from safeguards.accounts.permissions import Action, get_for_user

from .. import workflow
from ..forms.assessments import ApproveForm, StepCommentForm
from ..models import Assessment
from .assessments import ASSESSMENTS

SHOWN_PROBLEMS = 5


def _refused(request, what: str, error: workflow.WorkflowError) -> None:
    problems = error.problems
    text = f"{what}: " + " ".join(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        text += f" And {len(problems) - SHOWN_PROBLEMS} more, listed under What blocks submission."
    messages.error(request, text)


@require_POST
def assessment_submit(request, pk):
    assessment = get_for_user(request.user, Assessment, Action.EDIT, pk=pk)
    try:
        workflow.submit(assessment, request.user)
    except workflow.WorkflowError as error:
        _refused(request, "Not submitted", error)
    else:
        messages.success(
            request,
            "Submitted for review. Answers are now read-only; an approver who scored nothing "
            "in it can approve it or return it to draft.",
        )
    return redirect(assessment)


def assessment_approve(request, pk):
    """GET: the confirmation (the office's attestation, a note, the decision); POST: approval."""
    assessment = get_for_user(
        request.user, ASSESSMENTS.select_related("office"), Action.APPROVE, pk=pk
    )
    # Imported here: the follow-up app builds on the reviews app.
    from safeguards.followup.forms import DecisionForm

    problems = workflow.approval_problems(assessment, request.user)
    if problems:
        _refused(request, "Not approved", workflow.WorkflowError(problems))
        return redirect(assessment)
    attestation = assessment.office.attestation_text
    data = request.POST if request.method == "POST" else None
    form = ApproveForm(data, attestation=attestation)
    decision = DecisionForm(data, deployment=assessment.deployment, prefix="decision")
    if request.method == "POST" and form.is_valid() and decision.is_valid():
        try:
            workflow.approve(
                assessment,
                request.user,
                decision.decision(),
                note=form.cleaned_data["note"],
                attestation=attestation,
            )
        except workflow.WorkflowError as error:
            _refused(request, "Not approved", error)
        else:
            messages.success(request, "Approved. The report is frozen as a new version.")
        return redirect(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "decision": decision,
        "signer": display_name(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/assessment_approve.html", context, status=status)


def _comment_step(request, pk, *, step, label, heading, explanation, done, refused):
    """The return and reopen steps: a comment form (GET shows it), then the step (POST)."""
    assessment = get_for_user(request.user, ASSESSMENTS, Action.APPROVE, pk=pk)
    form = StepCommentForm(request.POST if request.method == "POST" else None, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            step(assessment, request.user, form.cleaned_data["comment"])
        except workflow.WorkflowError as error:
            _refused(request, refused, error)
        else:
            messages.success(request, done)
        return redirect(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "heading": heading,
        "explanation": explanation,
        "action": request.path,
    }
    return render(request, "reviews/assessment_step.html", context)


def assessment_return(request, pk):
    return _comment_step(
        request,
        pk,
        step=workflow.return_to_draft,
        label="What needs work",
        heading="Return to draft",
        explanation="The reviewers see your comment on the overview and can change answers again.",
        done="Returned to draft with your comment.",
        refused="Not returned",
    )


def assessment_reopen(request, pk):
    return _comment_step(
        request,
        pk,
        step=workflow.reopen,
        label="Reason for reopening",
        heading="Reopen this approved assessment",
        explanation=(
            "It becomes a draft again. The approved report stays downloadable and verifiable; "
            "the next approval freezes a new version."
        ),
        done="Reopened as a draft. The earlier report version is kept.",
        refused="Not reopened",
    )
