"""Importing an assessment from an uploaded JSON file (the same importer as the command)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from safeguards.accounts.permissions import Action, offices_for
from safeguards.reviews.forms.imports import ImportForm
from safeguards.reviews.importer import ImportRefused, import_bytes


def import_assessment(request):
    offices = list(offices_for(request.user, Action.EDIT))
    if not offices:
        raise PermissionDenied("Only reviewers can import assessments.")
    form = ImportForm(request.POST or None, request.FILES or None, offices=offices)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            assessment = import_bytes(form.cleaned_data["file"], form.chosen_office(), request.user)
        except ImportRefused as refusal:
            errors = refusal.errors
        else:
            messages.success(request, f"Imported “{assessment.title}” as a draft.")
            return redirect(assessment)
    status = 400 if errors else 200
    context = {"form": form, "errors": errors, "office": offices[0], "several": len(offices) > 1}
    return render(request, "reviews/import_form.html", context, status=status)
