"""The executive summary of a draft: written by a reviewer, printed first in every format."""

from django.contrib import messages
from django.shortcuts import redirect, render

from safeguards.accounts.permissions import Action, get_for_user

from .. import workflow
from ..forms.assessments import ExecutiveSummaryForm
from ..models import Assessment


def assessment_executive_summary(request, pk):
    assessment = get_for_user(request.user, Assessment, Action.EDIT, pk=pk)
    initial = {"executive_summary": assessment.executive_summary}
    form = ExecutiveSummaryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.edit_executive_summary(
                assessment, request.user, form.cleaned_data["executive_summary"]
            )
        except workflow.WorkflowError as error:
            for problem in error.problems:
                form.add_error("executive_summary", problem)
        else:
            messages.success(request, "Executive summary saved.")
            return redirect(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "heading": "Executive summary",
        "explanation": (
            "Only a draft's summary can be changed; it becomes part of the report approved."
            if assessment.status == "draft"
            else "This assessment is not a draft, so its executive summary is read-only."
        ),
        "action": request.path,
        "submit_label": "Save the executive summary",
    }
    return render(request, "reviews/assessment_step.html", context)
