"""List pages with 1,000 deployments, 10,000 assessments and 1,000,000 audit events in one office.

Target: ≤ 100 ms per page (server time). Generates the volumes first if the office lacks them.
"""

import math
import os
import sys

from common import MISSED, client_for, count_queries, get_ok, header, line, setup, timed

OFFICE = os.environ.get("BENCH_OFFICE", "load-test")
DEPLOYMENTS = int(os.environ.get("BENCH_DEPLOYMENTS", "1000"))
ASSESSMENTS = int(os.environ.get("BENCH_ASSESSMENTS", "10000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
PAGE_SIZE = 25


def office_log_url(office):
    """The office-wide audit log, if the audit pages exist yet (None while a placeholder)."""
    from django.urls import NoReverseMatch, resolve, reverse

    from safeguards.accounts.views import home

    for args in ([], [office.slug], [office.pk]):
        try:
            url = reverse("audit:office_log", args=args)
        except NoReverseMatch:
            continue
        return None if resolve(url).func is home else url
    return None


def main() -> int:
    setup()
    from django.core.management import call_command
    from django.urls import reverse

    from safeguards.accounts.models import Office
    from safeguards.audit.models import Event
    from safeguards.reviews.models import Assessment, Deployment

    header("list pages at volume")
    office = Office.objects.filter(slug=OFFICE).first()
    have = (
        (
            Deployment.objects.filter(office=office).count(),
            Assessment.objects.filter(office=office).count(),
            Event.objects.filter(office=office).count(),
        )
        if office
        else (0, 0, 0)
    )
    wanted = (DEPLOYMENTS, ASSESSMENTS, EVENTS)
    if any(h < w for h, w in zip(have, wanted, strict=True)):
        missing = [max(0, w - h) for h, w in zip(have, wanted, strict=True)]
        print(f"generating {missing} (deployments, assessments, events) first...", flush=True)
        call_command(
            "generate_load_data",
            office=OFFICE,
            deployments=missing[0],
            assessments=missing[1],
            events=missing[2],
        )
        office = Office.objects.get(slug=OFFICE)
    counts = (
        Deployment.objects.filter(office=office).count(),
        Assessment.objects.filter(office=office).count(),
        Event.objects.filter(office=office).count(),
    )
    print(
        f"office {office.slug}: {counts[0]} deployments, {counts[1]} assessments, "
        f"{counts[2]} audit events (all offices: {Event.objects.count()})"
    )
    client = client_for(office_admin(office))
    pages = []
    base = reverse("reviews:deployment_list")
    last = math.ceil(counts[0] / PAGE_SIZE)
    pages += [("deployments, page 1", base), (f"deployments, page {last}", f"{base}?page={last}")]
    pages.append(("deployments, search", f"{base}?q=Border"))
    base = reverse("reviews:assessment_list")
    last = math.ceil(counts[1] / PAGE_SIZE)
    pages += [("assessments, page 1", base), (f"assessments, page {last}", f"{base}?page={last}")]
    pages.append(("assessments, filtered", f"{base}?status=in_review"))
    log = office_log_url(office)
    if log:
        # Keyset pages (?before=seq): the oldest page costs what the newest does, if indexed.
        events = Event.objects.filter(office=office).order_by("seq")
        oldest = events.values_list("seq", flat=True)[PAGE_SIZE]
        middle = events.values_list("seq", flat=True)[counts[2] // 2]
        actor = office_admin(office).username.replace("-admin", "-approver")
        pages += [
            ("office log, newest page", log),
            ("office log, middle page", f"{log}?before={middle}"),
            ("office log, oldest page", f"{log}?before={oldest}"),
            ("office log, by action", f"{log}?action=evidence.linked"),
            ("office log, by actor", f"{log}?actor={actor}"),
            ("office log, by date range", f"{log}?date_from=2023-01-01&date_to=2023-06-30"),
            ("office log, rare action, oldest", f"{log}?action=assessment.created&before={middle}"),
        ]
    else:
        print("office log: NOT MEASURED, the page does not exist yet (placeholder)")
    failed = False
    for label, url in pages:
        samples = timed(lambda url=url: get_ok(client, url), runs=15, warmup=2)
        figures = line(
            label, samples, url=url, queries=count_queries(lambda u=url: get_ok(client, u))
        )
        if figures["median"] > 100:
            print(f"  MISSED: target ≤ 100 ms, by {figures['median'] - 100:.1f} ms")
            failed = True
    return MISSED if failed else 0


def office_admin(office):
    from safeguards.accounts.models import Membership, Role

    return Membership.objects.filter(office=office, role=Role.ADMIN).select_related("user")[0].user


if __name__ == "__main__":
    sys.exit(main())
