"""An assessment's history and the office-wide log, both read-only views of the audit chain."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from safeguards.accounts.permissions import Action, get_for_user, offices_for, roles_for
from safeguards.reviews.models import Assessment

from .display import ACTION_LABELS, describe
from .forms import OfficeLogFilter
from .models import Event
from .paging import PER_PAGE, keyset_page


def assessment_history(request, pk):
    assessment = get_for_user(request.user, Assessment, pk=pk)
    events = Event.objects.for_assessment(assessment.pk).order_by("-seq")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/assessment_history.html",
        {"assessment": assessment, "page": page, "entries": [describe(e) for e in page]},
    )


def office_log(request):
    offices = list(offices_for(request.user, Action.MANAGE).order_by("name"))
    if not offices:
        if roles_for(request.user):
            raise PermissionDenied("Only office admins can read the office log.")
        raise Http404("You belong to no office.")
    form = OfficeLogFilter(request.GET, offices=offices)
    page = keyset_page(form.filter(Event.objects.all()), request.GET) if form.is_valid() else None
    names = {office.pk: office.name for office in offices}
    return render(
        request,
        "audit/office_log.html",
        {
            "form": form,
            "page": page,
            "entries": [describe(e, names) for e in page.events] if page else [],
            "several_offices": len(offices) > 1,
            "known_actions": sorted(ACTION_LABELS),
        },
    )
