"""The portfolio page and its CSV export."""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguards.accounts.permissions import office_ids, visible
from safeguards.reviews.models import Deployment

from . import portfolio as dashboard
from .views import _cell


def _lines(request):
    today = timezone.localdate()
    return dashboard.lines(visible(request.user, Deployment.objects.all()), today), today


# Deployments per page: the totals and groups cover all of them, the table shows a page (an
# office of 1,000 deployments rendered whole took over half a second); the CSV has every line.
PAGE_SIZE = 50


@require_safe
def portfolio(request):
    lines, today = _lines(request)
    totals = dashboard.groups(lines, "office")
    return render(
        request,
        "followup/portfolio.html",
        {
            "lines": lines,
            "page": Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")),
            "today": today,
            "by_operator": dashboard.groups(lines, "operator"),
            "by_vendor": dashboard.groups(lines, "vendor"),
            "totals": totals,
            "several_offices": len(office_ids(request.user)) > 1,
        },
    )


@require_safe
def portfolio_csv(request):
    lines, today = _lines(request)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dashboard.CSV_COLUMNS)
    for line in lines:
        writer.writerow(_cell(value) for value in dashboard.csv_row(line))
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{today}.csv"'
    return response
