"""An assessment's history and the office-wide log (also as CSV), read-only views of the chain."""

import csv
import datetime
import heapq
import io
import itertools

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from safeguards.accounts.models import Membership, display_name
from safeguards.accounts.permissions import Action, get_for_user, offices_for, roles_for
from safeguards.reports.exports import _cell as csv_cell
from safeguards.reviews.models import Assessment, Deployment

from .display import changes_text, describe_all
from .forms import OfficeLogFilter
from .models import Event
from .paging import PER_PAGE, keyset_page

CSV_COLUMNS = (
    "event",
    "time_utc",
    "person",
    "username",
    "office",
    "action",
    "action_code",
    "target",
    "assessment_id",
    "changes",
    "hash",
)
CSV_BATCH = 500  # events named together (audit.names: a few queries per batch)


def assessment_history(request, pk):
    assessment = get_for_user(request.user, Assessment, pk=pk)
    events = Event.objects.for_assessment(assessment.pk).order_by("-seq")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/assessment_history.html",
        {
            "assessment": assessment,
            "page": page,
            "entries": describe_all(list(page), [assessment.office_id]),
        },
    )


def deployment_history(request, pk):
    deployment = get_for_user(request.user, Deployment, pk=pk)
    events = Event.objects.for_deployment(deployment).order_by("-seq")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/deployment_history.html",
        {
            "deployment": deployment,
            "page": page,
            "entries": describe_all(list(page), [deployment.office_id]),
            "assessments": deployment.assessments.only("pk", "title").order_by("-as_of", "-pk"),
        },
    )


def _log_filter(request) -> OfficeLogFilter:
    offices = list(offices_for(request.user, Action.MANAGE).order_by("name"))
    if not offices:
        if roles_for(request.user):
            raise PermissionDenied("Only office admins can read the office log.")
        raise Http404("You belong to no office.")
    members = Membership.objects.filter(office__in=offices).select_related("user__profile")
    people = {m.user.get_username(): display_name(m.user) for m in members}
    return OfficeLogFilter(request.GET, offices=offices, people=people.items())


def _first_event(offices) -> int | None:
    """The number of the offices' earliest event (one query per office, down its index)."""
    firsts = [
        Event.objects.filter(office_id=office.pk)
        .order_by("at", "seq")
        .values_list("seq", flat=True)
        .first()
        for office in offices
    ]
    return min((seq for seq in firsts if seq is not None), default=None)


def office_log(request):
    form = _log_filter(request)
    offices = list(form.offices.values())
    page = keyset_page(form.filter(Event.objects.all()), request.GET) if form.is_valid() else None
    names = {office.pk: office.name for office in offices}
    entries = describe_all(page.events, list(names), names) if page else []
    filters = request.GET.copy()
    for cursor in ("before", "after"):  # the CSV holds every page of the filtered log
        filters.pop(cursor, None)
    return render(
        request,
        "audit/office_log.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "several_offices": len(offices) > 1,
            "first_event": _first_event(offices),
            "csv_query": filters.urlencode(),
        },
    )


def _newest_first(parts):
    """The union of disjoint querysets (one per office), newest first, read in chunks."""
    streams = [part.order_by("-at", "-seq").iterator(chunk_size=2000) for part in parts]
    return heapq.merge(*streams, key=lambda event: (event.at, event.seq), reverse=True)


def _csv_rows(events, office_names):
    yield CSV_COLUMNS
    offices = list(office_names)
    while batch := list(itertools.islice(events, CSV_BATCH)):
        for entry in describe_all(batch, offices, office_names):
            event = entry.event
            yield (
                event.seq,
                event.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                entry.person,
                event.actor_username,
                entry.office,
                entry.action,
                event.action,
                entry.target_text,
                event.assessment_id,
                changes_text(entry.changes),
                event.hash,
            )


def _csv_lines(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    yield "\ufeff".encode()  # a byte-order mark, so spreadsheet programs read accents right
    for row in rows:
        writer.writerow(csv_cell(value) for value in row)
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()


@require_safe
def office_log_csv(request):
    """The filtered log as CSV (every matching event, not one page); bad filters go back to
    the log page, which shows them by the field."""
    form = _log_filter(request)
    if not form.is_valid():
        return redirect(f"{reverse('audit:office_log')}?{request.GET.urlencode()}")
    office_names = {office.pk: office.name for office in form.offices.values()}
    events = _newest_first(form.filter(Event.objects.all()))
    response = StreamingHttpResponse(
        _csv_lines(_csv_rows(events, office_names)), content_type="text/csv; charset=utf-8"
    )
    today = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="office-log-{today}.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
