"""The pages the load test's viewers and approvers read most (tests/scale/locustfile.py): a
draft's overview and report page as a viewer, a submitted assessment's overview as an approver.
Default framework (54 criteria), every criterion answered, 20 evidence items; server time in
the test client, the CPU median beside the wall median, and the queries of each page; then the
draft's two pages again, each view right after a save of one category page (untimed).

Issue 19's single-machine p95 needs about 25 ms of CPU per request of the scenario's mix.
"""

import itertools
import sys

from common import client_for, count_queries, get_ok, header, line, setup, timed

RUNS = 40


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    from safeguards.reviews import workflow
    from safeguards.reviews.models import AnswerChange

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

    # As under the load test, where reviewers save the drafts several times a second: each
    # view comes right after a save of one category page (five answers' rationales), untimed.
    saves = itertools.count()
    category = draft.answers.order_by("criterion__position").first().criterion.category_id

    def save():
        n = next(saves)
        answers = draft.answers.filter(criterion__category_id=category)
        changes = [
            AnswerChange(a.pk, a.version, a.status, f"Rationale as saved, {n}.", a.recommendation)
            for a in answers
        ]
        draft.save_answers(changes, by=users["reviewer"])

    for label, _, url in pages[:2]:
        client = client_for(users["viewer"])
        samples = timed(
            lambda client=client, url=url: get_ok(client, url), runs=RUNS, warmup=5, before=save
        )
        save()
        line(
            f"{label.split(',')[0]}, right after a save",
            samples,
            queries=count_queries(lambda client=client, url=url: get_ok(client, url)),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
