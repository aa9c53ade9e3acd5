"""Several approvals at the same moment in one office, each in its own thread (and so its own
database connection): the recommendations they number must never share a number.

Used by test_numbering: in-process on PostgreSQL; on SQLite in a child process against a real
database file (`python -m tests.followup.concurrent_approvals APPROVALS`), as in
tests/security/concurrent_saves.py.
"""

import json
import sys
import threading
from unittest import mock


def run(approvals: int = 4) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from safeguards.accounts.models import Membership, Office
    from safeguards.followup.models import Recommendation
    from safeguards.reviews import workflow
    from tests.reports.builders import answered_assessment

    office = Office.objects.create(slug="race", name="Race office")
    reviewer = get_user_model().objects.create(username="race-reviewer")
    Membership.objects.create(office=office, user=reviewer, role="reviewer")
    approvers, assessments = [], []
    for n in range(approvals):
        approver = get_user_model().objects.create(username=f"race-approver-{n}")
        Membership.objects.create(office=office, user=approver, role="approver")
        approvers.append(approver)
        assessments.append(answered_assessment(office, reviewer, slug=f"race-{n}"))
    start = threading.Barrier(approvals)
    errors = []

    def approve(n: int) -> None:
        try:
            start.wait(timeout=60)
            workflow.approve(assessments[n], approvers[n])
        except Exception as error:  # reported, and the test fails on it
            errors.append(f"approval {n}: {error.__class__.__name__}: {error}")
        finally:
            connection.close()

    from tests.security.conftest import ONE_PAGE_PDF

    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=ONE_PAGE_PDF):
        threads = [threading.Thread(target=approve, args=(n,)) for n in range(approvals)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    rows = Recommendation.objects.filter(office=office).values_list("number", "serial")
    return {"errors": errors, "numbers": sorted(rows, key=lambda row: row[1])}


def main(approvals: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(run(approvals)))


if __name__ == "__main__":
    main(int(sys.argv[1]))
