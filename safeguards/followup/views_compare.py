"""Compare two reports of one deployment: the page, and its CSV and JSON exports."""

import csv
import io

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safeguards.accounts.permissions import get_for_user, visible
from safeguards.reports.models import ReportVersion
from safeguards.reviews.models import Assessment, Deployment

from . import compare, sources
from .views import _cell


def choices_for(deployment) -> list[tuple[str, str]]:
    """Every frozen version and every assessment of the deployment, newest first."""
    versions = (
        ReportVersion.objects.filter(assessment__deployment=deployment)
        .select_related("assessment")
        .only("number", "approved_at", "assessment_id", "assessment__title")
        .order_by("-approved_at")
    )
    choices = [
        (
            f"version:{v.assessment_id}:{v.number}",
            f"{v.assessment.title} — version {v.number} ({v.approved_at:%Y-%m-%d})",
        )
        for v in versions
    ]
    for a in deployment.assessments.order_by("-as_of", "-pk").only("title", "status", "as_of"):
        choices.append(
            (f"assessment:{a.pk}", f"{a.title} — as it stands ({a.get_status_display().lower()})")
        )
    return choices


class CompareForm(forms.Form):
    old = forms.ChoiceField(label="Older")
    new = forms.ChoiceField(label="Newer")
    changes_only = forms.BooleanField(required=False, label="Only changes")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("old") == data.get("new"):
            self.add_error("new", "Choose two different reports.")
        return data


def _default(choices) -> dict:
    """The latest version against the one before (or the newest assessment as it stands)."""
    versions = [value for value, _ in choices if value.startswith("version:")]
    others = [value for value, _ in choices if value.startswith("assessment:")]
    if len(versions) >= 2:
        return {"old": versions[1], "new": versions[0]}
    if versions and others:
        return {"old": versions[0], "new": others[0]}
    return {}


def _compared(request, pk):
    deployment = get_for_user(request.user, Deployment, pk=pk)
    choices = choices_for(deployment)
    data = request.GET if "old" in request.GET else _default(choices) or None
    form = CompareForm(data, choices=choices)
    result = error = None
    if form.is_bound and form.is_valid():
        allowed = visible(request.user, Assessment.objects.filter(deployment=deployment))
        try:
            result = sources.comparison(
                sources.load(form.cleaned_data["old"], assessments=allowed),
                sources.load(form.cleaned_data["new"], assessments=allowed),
            )
        except sources.Unusable as problem:
            error = str(problem)
    return deployment, form, result, error


@require_safe
def compare_page(request, pk):
    deployment, form, result, error = _compared(request, pk)
    rows = []
    if result is not None:
        only = form.cleaned_data["changes_only"]
        rows = [row for row in result.rows if row.changed or not only]
    query = request.GET.urlencode() if "old" in request.GET else ""
    return render(
        request,
        "followup/compare.html",
        {
            "deployment": deployment,
            "form": form,
            "result": result,
            "rows": rows,
            "error": error,
            "counts": [
                (compare.KIND_LABELS[kind], count)
                for kind, count in (result.counts.items() if result else ())
                if count
            ],
            "query": query,
        },
        status=400 if error else 200,
    )


def _export_result(request, pk):
    deployment, form, result, error = _compared(request, pk)
    if result is None:
        message = error or "Choose two different reports of this deployment (old=…&new=…)."
        return None, HttpResponse(message, status=400, content_type="text/plain")
    return result, None


@require_safe
def compare_csv(request, pk):
    result, refused = _export_result(request, pk)
    if refused:
        return refused
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in compare.csv_rows(result):
        writer.writerow(_cell(value) for value in row)
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="compare-deployment-{pk}.csv"'
    return response


@require_safe
def compare_json(request, pk):
    result, refused = _export_result(request, pk)
    if refused:
        return refused
    response = JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="compare-deployment-{pk}.json"'
    return response
