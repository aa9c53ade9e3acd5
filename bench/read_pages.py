"""The pages the load test's viewers and approvers read most (tests/scale/locustfile.py): a
draft's overview and report page as a viewer, a submitted assessment's overview as an approver.
Default framework (54 criteria), every criterion answered, 20 evidence items; server time in
the test client, the CPU median beside the wall median, and the queries of each page.

Issue 19's single-machine p95 needs about 25 ms of CPU per request of the scenario's mix.
"""

import sys

from common import client_for, count_queries, get_ok, header, line, setup, timed

RUNS = 40


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    from safeguards.reviews import workflow

    header("pages the load test reads: overview and report page")
    office, users = data.office("bench-read")
    version = data.framework()
    draft = data.assessment(office, users, version)
    submitted = data.assessment(office, users, version)
    workflow.submit(submitted, by=users["reviewer"])
    pages = (
        ("overview of a draft, viewer", "viewer", reverse("reviews:assessment", args=[draft.pk])),
        (
            "report page of a draft, viewer",
            "viewer",
            reverse("reports:assessment_report", args=[draft.pk]),
        ),
        (
            "overview of a submitted assessment, approver",
            "approver",
            reverse("reviews:assessment", args=[submitted.pk]),
        ),
    )
    for label, role, url in pages:
        client = client_for(users[role])
        samples = timed(lambda client=client, url=url: get_ok(client, url), runs=RUNS, warmup=5)
        line(
            label,
            samples,
            queries=count_queries(lambda client=client, url=url: get_ok(client, url)),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
