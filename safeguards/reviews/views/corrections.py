"""Corrections: edit evidence or replace its file, retire evidence, archive and restore
deployments and assessments. The rules and audit events are in reviews/corrections.py."""

import logging

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguards.accounts.permissions import Action, get_for_user
from safeguards.reviews import corrections, uploads
from safeguards.reviews.forms.corrections import EvidenceEditForm, ReasonForm
from safeguards.reviews.forms.evidence import StorageUnavailable
from safeguards.reviews.models import Assessment, Deployment, Evidence, EvidenceFile

logger = logging.getLogger(__name__)
EVIDENCE = Evidence.objects.select_related("deployment", "office")


def evidence_edit(request, pk):
    evidence = get_for_user(request.user, EVIDENCE, Action.EDIT, pk=pk)
    if evidence.retired_at is not None:
        messages.error(request, "This evidence is retired; it can no longer be edited.")
        return redirect(evidence)
    form = EvidenceEditForm(request.POST or None, request.FILES or None, instance=evidence)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in corrections.EDITABLE}
        upload = form.cleaned_data.get("upload")
        try:
            changed = corrections.edit_evidence(
                evidence, request.user, values, upload, form.checked if upload else None
            )
        except corrections.CorrectionError as error:
            messages.error(request, error.problem)
            return redirect(evidence)
        except corrections.StorageUnavailable as error:
            logger.error("Replacement file not stored for evidence %s: %s", evidence.pk, error)
            form.add_error("upload", StorageUnavailable.message)
            status = 503
        else:
            if changed:
                messages.success(request, f"Evidence “{evidence.title}” corrected.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect(evidence)
    elif request.method == "POST":
        status = 400
    return render(
        request, "reviews/evidence_edit.html", {"form": form, "evidence": evidence}, status=status
    )


def _reason_page(request, item, *, heading, label, explanation, button, done, act):
    """GET: the form asking for the reason; POST: the step, then back to the record."""
    form = ReasonForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except corrections.CorrectionError as error:
            messages.error(request, error.problem)
        else:
            messages.success(request, done)
        return redirect(item)
    context = {
        "item": item,
        "form": form,
        "heading": heading,
        "explanation": explanation,
        "button": button,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/reason_form.html", context, status=status)


def evidence_retire(request, pk):
    evidence = get_for_user(request.user, EVIDENCE, Action.EDIT, pk=pk)
    return _reason_page(
        request,
        evidence,
        heading=f"Retire “{evidence.title}”",
        label="Why is it retired?",
        explanation=(
            "Retired evidence stays readable, stays cited by the answers that link it and in "
            "every approved report, but is marked retired and can no longer be edited."
        ),
        button="Retire the evidence",
        done="Evidence retired.",
        act=lambda reason: corrections.retire_evidence(evidence, request.user, reason),
    )


def _archive(request, item, kind: str):
    return _reason_page(
        request,
        item,
        heading=f"Archive “{item}”",
        label="Why is it archived?",
        explanation=(
            f"An archived {kind} is hidden from lists and the home page. It stays readable at "
            "its address, its approved reports stay verifiable, and it can be restored."
        ),
        button=f"Archive the {kind}",
        done=f"The {kind} is archived. It is hidden from lists until restored.",
        act=lambda reason: corrections.archive(item, request.user, reason),
    )


def _restore(request, item, kind: str):
    try:
        corrections.restore(item, request.user)
    except corrections.CorrectionError as error:
        messages.error(request, error.problem)
    else:
        messages.success(request, f"The {kind} is restored and listed again.")
    return redirect(item)


def deployment_archive(request, pk):
    return _archive(
        request, get_for_user(request.user, Deployment, Action.EDIT, pk=pk), "deployment"
    )


@require_POST
def deployment_restore(request, pk):
    return _restore(
        request, get_for_user(request.user, Deployment, Action.EDIT, pk=pk), "deployment"
    )


def assessment_archive(request, pk):
    return _archive(
        request, get_for_user(request.user, Assessment, Action.EDIT, pk=pk), "assessment"
    )


@require_POST
def assessment_restore(request, pk):
    return _restore(
        request, get_for_user(request.user, Assessment, Action.EDIT, pk=pk), "assessment"
    )


@require_GET
def evidence_earlier_file(request, pk):
    """A file that was replaced: kept, and downloadable like the current one."""
    earlier = get_for_user(request.user, EvidenceFile, pk=pk)
    try:
        handle = earlier.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing; tell your administrator.") from None
    return safe_file_response(handle, earlier.file_name, earlier.file_type)


def safe_file_response(handle, file_name: str, file_type: str) -> FileResponse:
    """An evidence file as an attachment under a name with its verified type's extension."""
    content_type = file_type or "application/octet-stream"
    if content_type == uploads.TEXT:
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=uploads.download_name(file_name or "evidence", file_type),
        content_type=content_type,
    )
    # Even if a browser ignored "attachment", it must not guess the type or run anything.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
