"""Deployments: the list with search and filters, create, edit (no lost edits), detail."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from safeguards import scoring
from safeguards.accounts.permissions import (
    Action,
    can,
    get_for_user,
    office_ids,
    offices_for,
    visible,
)
from safeguards.audit.record import record
from safeguards.reviews import once
from safeguards.reviews.forms.deployments import (
    DEPLOYMENT_FIELDS,
    DeploymentForm,
    DeploymentSearchForm,
)
from safeguards.reviews.models import Answer, Deployment
from safeguards.reviews.sorting import Column, sort_by

PAGE_SIZE = 25
EVIDENCE_ON_DETAIL = 10


def snapshot(deployment: Deployment) -> dict:
    return {field: getattr(deployment, field) for field in DEPLOYMENT_FIELDS}


def verdicts_for(assessments) -> dict[int, str | None]:
    """Assessment id -> verdict, from one query over all their answers."""
    rows = Answer.objects.filter(assessment__in=assessments).values_list(
        "assessment_id",
        "criterion__code",
        "criterion__category__code",
        "criterion__severity",
        "criterion__red_line",
        "criterion__weight",
        "status",
    )
    criteria: dict[int, list] = {}
    statuses: dict[int, dict] = {}
    for assessment_id, code, category, severity, red_line, weight, status in rows.order_by(
        "assessment_id", "criterion__position"
    ):
        criteria.setdefault(assessment_id, []).append(
            scoring.Criterion(code, category, severity, red_line, weight)
        )
        statuses.setdefault(assessment_id, {})[code] = status
    return {
        a.pk: scoring.assess(
            criteria[a.pk],
            statuses[a.pk],
            a.framework_version.thresholds,
            method=a.scoring_method,
        ).verdict
        if a.pk in criteria
        else None
        for a in assessments
    }


LIST_COLUMNS = [
    Column("Name", "name", ("name",)),
    Column("Operator", "operator", ("operator", "name")),
    Column("Vendor", "vendor", ("vendor", "name")),
    Column("Technology", "technology", ("technology", "name")),
]
OFFICE_COLUMN = Column("Office", "office", ("office__name", "name"))


def deployment_list(request):
    offices = offices_for(request.user)
    several_offices = len(office_ids(request.user)) > 1
    form = DeploymentSearchForm(request.GET or None, offices=offices)
    columns = [*LIST_COLUMNS, OFFICE_COLUMN] if several_offices else LIST_COLUMNS
    sorting = sort_by(request.GET.get("sort"), columns, default="name")
    deployments = form.filter(visible(request.user, Deployment.objects.select_related("office")))
    deployments = deployments.order_by(*sorting.ordering)
    # Archived deployments are left out of the list, or listed alone with ?archived=1.
    show_archived = request.GET.get("archived") == "1"
    deployments = deployments.filter(archived_at__isnull=not show_archived)
    page = Paginator(deployments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/deployment_list.html",
        {
            "form": form,
            "page": page,
            "searching": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
            "can_create": bool(office_ids(request.user, Action.EDIT)),
            "several_offices": several_offices,
            "sorting": sorting,
            "show_archived": show_archived,
        },
    )


def deployment_create(request):
    offices = list(offices_for(request.user, Action.EDIT))
    if not offices:
        raise PermissionDenied("Only reviewers can describe deployments.")
    form = DeploymentForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        deployment = form.save(commit=False)
        deployment.office = form.cleaned_data.get("office") or offices[0]
        deployment.created_by = request.user
        try:
            with transaction.atomic():
                claimed = once.claim(request)
                deployment.save()
                record(
                    "deployment.created",
                    actor=request.user,
                    office=deployment.office,
                    target=deployment,
                    after=snapshot(deployment),
                )
                once.made(claimed, deployment)
        except once.AlreadyUsed as error:
            return once.refused(request, error)
        messages.success(request, f"Deployment “{deployment.name}” created.")
        return redirect(deployment)
    return render(
        request,
        "reviews/deployment_form.html",
        {"form": form, "office": offices[0], "offices": offices, "once": once.token_of(request)},
    )


def deployment_edit(request, pk):
    deployment = get_for_user(request.user, Deployment, Action.EDIT, pk=pk)
    form = DeploymentForm(request.POST or None, instance=deployment)
    conflicts, changed = [], []
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            stored = Deployment.objects.select_for_update().get(pk=pk)
            if form.cleaned_data["version"] != stored.version:
                # Saved meanwhile: a conflict only where their values and the user's differ.
                conflicts = stale_edit_conflicts(stored, form)
            else:
                changed = save_changes(stored, form.cleaned_data, request.user)
        if not conflicts:
            if changed:
                messages.success(request, f"Saved {len(changed)} change(s) to “{stored.name}”.")
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(stored)
        # The user's values again, now based on the stored version: saving once more applies
        # them. (A QueryDict must be copied and set, not merged with `|`, which makes a plain
        # dict of lists.)
        resubmitted = form.data.copy()
        resubmitted["version"] = str(stored.version)
        form = DeploymentForm(resubmitted, instance=stored)
        form.is_valid()
        form.add_error(
            None,
            "Someone else saved this deployment after you opened it. Nothing of yours was saved. "
            "Their values are listed below; save again to replace them with yours.",
        )
    return render(
        request,
        "reviews/deployment_form.html",
        {"form": form, "deployment": deployment, "conflicts": conflicts},
        status=409 if conflicts else 200,
    )


def stale_edit_conflicts(stored: Deployment, form) -> list[dict]:
    """Fields where the stored (newer) value differs from what the user submitted."""
    return [
        {
            "label": form.fields[field].label,
            "stored": getattr(stored, field),
            "yours": form.cleaned_data.get(field),
        }
        for field in DEPLOYMENT_FIELDS
        if getattr(stored, field) != form.cleaned_data.get(field)
    ]


def save_changes(stored: Deployment, data: dict, user) -> list[str]:
    """Apply changed fields, raise the version and record before/after. Caller holds the lock."""
    changed = [field for field in DEPLOYMENT_FIELDS if getattr(stored, field) != data[field]]
    if not changed:
        return []
    before = {field: getattr(stored, field) for field in changed}
    for field in changed:
        setattr(stored, field, data[field])
    stored.version += 1
    stored.save(update_fields=[*changed, "version", "updated_at"])
    record(
        "deployment.updated",
        actor=user,
        office=stored.office_id,
        target=stored,
        before=before,
        after={field: getattr(stored, field) for field in changed},
    )
    return changed


def deployment_detail(request, pk):
    deployment = get_for_user(
        request.user, Deployment.objects.select_related("office", "created_by"), pk=pk
    )
    assessments = list(
        deployment.assessments.select_related("framework_version__framework").order_by(
            "-as_of", "-pk"
        )
    )
    verdicts = verdicts_for(assessments)
    for assessment in assessments:
        # Attribute names no model property uses, so the assessments work can add its own.
        assessment.listed_verdict = verdicts.get(assessment.pk) or ""
        assessment.listed_verdict_label = scoring.VERDICT_LABELS.get(assessment.listed_verdict, "")
    evidence = deployment.evidence.all()
    return render(
        request,
        "reviews/deployment_detail.html",
        {
            "deployment": deployment,
            "assessments": assessments,
            "evidence": evidence[:EVIDENCE_ON_DETAIL],
            "evidence_count": evidence.count(),
            "can_edit": can(request.user, Action.EDIT, deployment.office_id),
            "start_url": reverse("reviews:assessment_create", args=[deployment.pk]),
        },
    )
