"""The home page's "My work" for a busy person: 200 assignments and 500 review notes (300 to
answer, 200 to clear), 30 assessments waiting for their approval, 20 returned drafts and 100
recommendations falling due; against a person with one of each.

Target: ≤ 50 ms server time, and the same number of queries for both people. Makes its own
office ("mywork-bench") the first time.
"""

import datetime
import sys

from common import MISSED, client_for, count_queries, get_ok, header, line, setup, timed

OFFICE = "mywork-bench"
TARGET_MS = 50


def fill(
    office,
    person,
    reviewer,
    version,
    *,
    assessments,
    notes_to_answer,
    notes_to_clear,
    to_approve,
    returned,
    recommendations,
):
    """Records through bulk inserts (the page is measured, not the writes)."""
    from django.utils import timezone

    from safeguards.followup.models import Recommendation
    from safeguards.reviews.models import Answer, Assessment, Deployment, WorkflowStep
    from safeguards.team.models import Assignment, ReviewNote

    categories = list(version.categories.all())
    criteria = list(version.criteria.order_by("position"))
    tag = person.username
    deployments = Deployment.objects.bulk_create(
        Deployment(
            office=office,
            name=f"{tag} deployment {n}",
            operator="Border agency",
            created_by=reviewer,
        )
        for n in range(assessments + to_approve + returned)
    )

    def assessment_rows(chunk, status, created_by):
        return Assessment.objects.bulk_create(
            Assessment(
                office=office,
                deployment=d,
                framework_version=version,
                title=f"Review of {d.name}",
                as_of=datetime.date(2026, 11, 1),
                status=status,
                created_by=created_by,
            )
            for d in chunk
        )

    drafts = assessment_rows(deployments[:assessments], "draft", reviewer)
    in_review = assessment_rows(
        deployments[assessments : assessments + to_approve], "in_review", reviewer
    )
    sent_back = assessment_rows(deployments[assessments + to_approve :], "draft", person)
    answers = Answer.objects.bulk_create(
        (
            Answer(
                assessment=a,
                criterion=c,
                status="met",
                rationale="Stated in the SOW.",
                updated_by=person if a in drafts else reviewer,
            )
            for a in [*drafts, *in_review, *sent_back]
            for c in criteria
        ),
        batch_size=2000,
    )
    today = timezone.localdate()
    Assignment.objects.bulk_create(
        Assignment(
            office=office,
            assessment=a,
            category=c,
            assignee=person,
            due_date=today + datetime.timedelta(days=(i % 40) - 10),
            assigned_by=reviewer,
        )
        for i, (a, c) in enumerate((a, c) for a in drafts for c in categories)
    )
    draft_answers = [answer for answer in answers if answer.updated_by_id == person.pk]
    ReviewNote.objects.bulk_create(
        [
            ReviewNote(
                office=office,
                assessment_id=answer.assessment_id,
                answer=answer,
                raised_by=reviewer,
                raised_by_name=reviewer.username,
                text="Which clause makes this binding?",
                waiting="reply",
            )
            for answer in draft_answers[:notes_to_answer]
        ]
        + [
            ReviewNote(
                office=office,
                assessment_id=answer.assessment_id,
                answer=answer,
                raised_by=person,
                raised_by_name=person.username,
                text="Cite the page of the privacy impact assessment.",
                waiting="clearing",
            )
            for answer in draft_answers[notes_to_answer : notes_to_answer + notes_to_clear]
        ],
        batch_size=1000,
    )
    WorkflowStep.objects.bulk_create(
        [
            WorkflowStep(assessment=a, kind="submitted", user=reviewer, username=reviewer.username)
            for a in in_review
        ]
        + [
            WorkflowStep(
                assessment=a,
                kind="returned",
                user=reviewer,
                username=reviewer.username,
                comment="Cite the retention clause.",
            )
            for a in sent_back
        ]
    )
    first_serial = Recommendation.objects.filter(office=office).count() + 1
    Recommendation.objects.bulk_create(
        Recommendation(
            office=office,
            deployment_id=drafts[n % len(drafts)].deployment_id,
            number=f"MW-{tag}-{n:04d}",
            year=2026,
            serial=first_serial + n,
            criterion_code=criteria[n % len(criteria)].code,
            framework_version=version,
            text="Publish the retention schedule.",
            priority="high",
            status="open" if n % 2 else "resolved",
            target_date=today + datetime.timedelta(days=(n % 40) - 10),
            opened_on=datetime.date(2026, 9, 1),
            status_changed_on=datetime.date(2026, 9, 1),
            origin_assessment=drafts[n % len(drafts)],
            latest_assessment=drafts[n % len(drafts)],
            owner=person,
        )
        for n in range(recommendations)
    )


def build():
    from data import framework, office

    from safeguards.accounts.models import Membership, Role
    from safeguards.followup.models import Recommendation

    found, users = office(OFFICE)
    reviewer = users["reviewer"]
    version = framework(20, categories=4)
    busy = users["approver"]
    small, _ = type(busy).objects.get_or_create(username=f"{OFFICE}-small")
    Membership.objects.get_or_create(user=small, office=found, defaults={"role": Role.APPROVER})
    if not Recommendation.objects.filter(owner=busy).exists():
        print("generating the busy person's work...", flush=True)
        fill(
            found,
            busy,
            reviewer,
            version,
            assessments=50,
            notes_to_answer=300,
            notes_to_clear=200,
            to_approve=30,
            returned=20,
            recommendations=100,
        )
        fill(
            found,
            small,
            reviewer,
            version,
            assessments=1,
            notes_to_answer=1,
            notes_to_clear=1,
            to_approve=1,
            returned=1,
            recommendations=1,
        )
    return busy, small


def main() -> int:
    setup()
    from django.urls import reverse
    from django.utils import timezone

    from safeguards.team.mywork import my_work

    header('home page "My work"')
    busy, small = build()
    url = reverse("home")
    failed = False
    queries = {}
    for label, person in (("busy", busy), ("one of each", small)):
        work = my_work(person, timezone.localdate(), show_all=True)
        counts = ", ".join(
            f"{name} {getattr(work, name).total}"
            for name in (
                "assigned",
                "notes_to_answer",
                "notes_to_clear",
                "to_approve",
                "returned",
                "recommendations",
            )
        )
        print(f"{label} ({person.username}): {counts}")
        client = client_for(person)
        queries[label] = count_queries(lambda client=client: get_ok(client, url))
        samples = timed(lambda client=client: get_ok(client, url), runs=30, warmup=3)
        figures = line(f"home, {label}", samples, queries=queries[label])
        if label == "busy" and figures["median"] > TARGET_MS:
            print(f"  MISSED: target ≤ {TARGET_MS} ms, by {figures['median'] - TARGET_MS:.1f} ms")
            failed = True
        all_samples = timed(lambda client=client: get_ok(client, f"{url}?all=1"), runs=10)
        line(
            f"home ?all=1 (every row), {label}",
            all_samples,
            queries=count_queries(lambda client=client: get_ok(client, f"{url}?all=1")),
        )
    if len(set(queries.values())) != 1:
        print(f"  MISSED: query counts differ with the amount of work: {queries}")
        failed = True
    return MISSED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
