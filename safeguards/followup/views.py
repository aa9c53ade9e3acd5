"""The register, one recommendation and its status steps, and the approval decision."""

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguards.accounts import permissions
from safeguards.accounts.models import display_name
from safeguards.accounts.permissions import Action, get_for_user, visible
from safeguards.reports.models import ReportVersion
from safeguards.reviews.models import Deployment, Evidence

from . import register, states
from .forms import NoteForm, RecommendationForm, RegisterFilterForm, StepForm
from .models import PRIORITY_ORDER, Recommendation, StatusNote

PAGE_SIZE = 50
REGISTER_COLUMNS = (
    "number",
    "deployment",
    "operator",
    "kind",
    "criterion",
    "priority",
    "status",
    "closure_proposed",
    "agency_response",
    "agreed_action",
    "responsible_official",
    "target_date",
    "opened_on",
    "overdue",
    "unresolved_after_6_months",
    "open_over_a_year",
    "text",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _ranked(recs):
    return recs.annotate(
        priority_rank=Case(
            *[When(priority=value, then=Value(rank)) for value, rank in PRIORITY_ORDER.items()],
            output_field=IntegerField(),
        )
    )


def _register_rows(request):
    today = timezone.localdate()
    deployments = visible(request.user, Deployment.objects.only("pk", "name")).order_by("name")
    form = RegisterFilterForm(request.GET or None, deployments=deployments)
    recs = _ranked(visible(request.user, Recommendation.objects.all()))
    return form, form.filter(recs, today), today


@require_safe
def register_list(request):
    form, recs, today = _register_rows(request)
    recs = recs.select_related("deployment").only(
        "number",
        "kind",
        "criterion_code",
        "criterion_title",
        "text",
        "priority",
        "status",
        "agency_response",
        "target_date",
        "opened_on",
        "closure_proposed_by_id",
        "deployment__name",
        "office_id",
    )
    page = Paginator(recs, PAGE_SIZE).get_page(request.GET.get("page"))
    for rec in page.object_list:
        rec.listed_flags = rec.flags(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followup/register.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        },
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@require_safe
def register_csv(request):
    form, recs, today = _register_rows(request)
    rows = recs.values_list(
        "number",
        "deployment__name",
        "deployment__operator",
        "kind",
        "criterion_code",
        "priority",
        "status",
        "closure_proposed_by_id",
        "agency_response",
        "agreed_action",
        "responsible_official",
        "target_date",
        "opened_on",
        "text",
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    for (
        number,
        name,
        operator,
        kind,
        code,
        priority,
        status,
        proposed,
        response,
        action,
        official,
        target,
        opened,
        text,
    ) in rows.iterator(chunk_size=2000):
        writer.writerow(
            _cell(value)
            for value in (
                number,
                name,
                operator,
                kind,
                code,
                priority,
                status,
                proposed is not None and status in states.LIVE,
                response,
                action,
                official,
                target,
                opened,
                states.is_overdue(status, target, today),
                states.is_unresolved_too_long(status, opened, today),
                states.is_open_over_a_year(status, opened, today),
                text,
            )
        )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="recommendations-{today}.csv"'
    return response


@require_safe
def recommendation_detail(request, pk):
    evidence = Evidence.objects.only("pk", "title", "kind", "citation", "deployment_id")
    rec = get_for_user(
        request.user,
        Recommendation.objects.select_related(
            "deployment",
            "origin_assessment",
            "closure_proposed_by",
            "superseded_by",
            "decision",
            "owner__profile",
        ).prefetch_related(
            Prefetch("notes", StatusNote.objects.prefetch_related(Prefetch("evidence", evidence)))
        ),
        pk=pk,
    )
    today = timezone.localdate()
    versions = (
        ReportVersion.objects.filter(pk__in=rec.appears_in.values("pk"))
        .select_related("assessment")
        .only("number", "approved_at", "fingerprint", "assessment__title", "assessment_id")
        .order_by("approved_at")
    )
    user = request.user
    can_edit = permissions.can(user, Action.EDIT, rec.office_id)
    steps = [
        step
        for step in states.actions_from(rec.status)
        if permissions.can(user, Action(step.permission), rec.office_id)
    ]
    return render(
        request,
        "followup/recommendation.html",
        {
            "rec": rec,
            "owner_name": display_name(rec.owner) if rec.owner_id else "",
            "flags": rec.flags(today),
            "notes": rec.notes.all(),
            "versions": versions,
            "supersedes": rec.supersedes.only("number"),
            "can_edit": can_edit,
            "steps": {step.action for step in steps},
            "note_form": NoteForm(recommendation=rec) if can_edit else None,
        },
    )


def recommendation_edit(request, pk):
    rec = get_for_user(request.user, Recommendation, Action.EDIT, pk=pk)
    form = RecommendationForm(request.POST or None, instance=rec, initial={"version": rec.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in register.EDITABLE}
        try:
            changed = register.update(rec, request.user, values, form.cleaned_data["version"])
        except register.FollowupError as error:
            rec.refresh_from_db()
            form = RecommendationForm(instance=rec, initial={"version": rec.version})
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(request, f"Saved {len(changed)} change(s) to {rec.number}.")
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(rec)
    return render(request, "followup/recommendation_form.html", {"rec": rec, "form": form})


def recommendation_note(request, pk):
    rec = get_for_user(request.user, Recommendation, Action.EDIT, pk=pk)
    form = NoteForm(request.POST or None, recommendation=rec)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        register.add_note(rec, request.user, data["on"], data["text"], data["evidence"])
        messages.success(request, f"Note added to {rec.number}.")
        return redirect(rec)
    return render(
        request,
        "followup/recommendation_step.html",
        {"rec": rec, "form": form, "heading": "Add a dated note", "button": "Add the note"},
    )


STEP_PAGES = {
    states.RESOLVE: ("Resolve", Action.EDIT, "Mark as resolved"),
    states.REOPEN: ("Reopen", Action.EDIT, "Reopen"),
    "close": ("Close", Action.APPROVE, "Close on this evidence"),
    states.SUPERSEDE: ("Supersede", Action.APPROVE, "Mark as superseded"),
}


def _step(request, pk, action):
    heading, needed, button = STEP_PAGES[action]
    rec = get_for_user(request.user, Recommendation, needed, pk=pk)
    form = StepForm(request.POST or None, recommendation=rec, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register.move(
                rec,
                form.state_action(),
                request.user,
                data["on"],
                note=data["text"],
                evidence=data["evidence"],
                superseded_by=data.get("superseded_by"),
            )
        except register.FollowupError as error:
            problems = error.problems
            if isinstance(problems, dict):
                for field, message in problems.items():
                    form.add_error(field, message)
            else:
                for message in problems:
                    form.add_error(None, message)
        else:
            messages.success(
                request, f"{rec.number} is now {states.STATUS_LABELS[rec.status].lower()}."
            )
            return redirect(rec)
    return render(
        request,
        "followup/recommendation_step.html",
        {"rec": rec, "form": form, "heading": f"{heading} {rec.number}", "button": button},
    )


def recommendation_resolve(request, pk):
    return _step(request, pk, states.RESOLVE)


def recommendation_reopen(request, pk):
    return _step(request, pk, states.REOPEN)


def recommendation_close(request, pk):
    return _step(request, pk, "close")


def recommendation_supersede(request, pk):
    return _step(request, pk, states.SUPERSEDE)
