"""Marking an assessment's free-text values and evidence restricted, with a reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguards.accounts.permissions import get_for_user, may_mark_restricted
from safeguards.reviews.models import Answer, Assessment, Evidence

from .forms import RestrictionsForm
from .marks import reasons_for, set_answer_mark, set_evidence_mark
from .models import AnswerRestriction, EvidenceRestriction


def _context(request, pk, data=None):
    assessment = get_for_user(request.user, Assessment.objects.select_related("deployment"), pk=pk)
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("criterion")
        .order_by("criterion__position")
    )
    evidence = list(
        Evidence.objects.filter(answers__assessment=assessment).distinct().order_by("title", "pk")
    )
    current = {
        ("a", row.answer_id, row.field): row.reason
        for row in AnswerRestriction.objects.filter(answer__assessment=assessment)
    }
    current.update(
        {
            ("e", row.evidence_id): row.reason
            for row in EvidenceRestriction.objects.filter(evidence__in=evidence)
        }
    )
    form = RestrictionsForm(
        data,
        answers=answers,
        evidence=evidence,
        current=current,
        reasons=reasons_for(assessment.office),
    )
    return assessment, answers, evidence, form


@require_GET
def restrictions(request, pk):
    assessment, _, _, form = _context(request, pk)
    return _page(request, assessment, form)


def _page(request, assessment, form, status=200):
    return render(
        request,
        "restricted/restrictions.html",
        {
            "assessment": assessment,
            "form": form,
            "rows": form.bound_rows(),
            "editable": may_mark_restricted(request.user, assessment),
        },
        status=status,
    )


@require_POST
def save_restrictions(request, pk):
    assessment, answers, evidence, form = _context(request, pk, request.POST)
    if not may_mark_restricted(request.user, assessment):
        raise PermissionDenied("Restricted marks can change only before approval, by editors.")
    if not form.is_valid():
        return _page(request, assessment, form, status=400)
    changed = 0
    for answer in answers:
        for field in ("rationale", "recommendation"):
            name = f"a{answer.pk}-{field}"
            if name in form.cleaned_data:
                changed += set_answer_mark(answer, field, form.cleaned_data[name], by=request.user)
    for item in evidence:
        name = f"e{item.pk}"
        changed += set_evidence_mark(
            item, form.cleaned_data[name], by=request.user, assessment=assessment
        )
    messages.success(request, f"{changed} restricted mark(s) changed.")
    return redirect("restricted:assessment", pk=assessment.pk)
