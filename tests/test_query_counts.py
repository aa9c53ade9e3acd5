"""Query counts of the pages people wait for, pinned: the same at 15 and 240 criteria, and for
lists the same at 3 and 30 rows. A count that grows with the data is an N+1 (docs/benchmarks.md).

Every count includes the request's own: session, user and memberships before the view. The
session is not saved again within its refresh window (accounts.middleware), so no write follows.
"""

import pytest
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.bulk import append_many
from safeguards.reviews.models import Answer, Evidence
from tests.factories import make_assessment, make_deployment, make_framework

STATUSES = (scoring.MET, scoring.PARTIAL, scoring.NOT_MET, scoring.UNDISCLOSED)
# (categories, criteria per category): 15 and 240 criteria in all; 5 and 80 on a category page.
SIZES = {15: (3, 5), 240: (3, 80)}

OVERVIEW_QUERIES = 6  # scores, lists, steps, team work (cached); no return, nothing asked
CATEGORY_QUERIES = 9  # guides cached; review state, return and questions only when there are any
HISTORY_QUERIES = 7  # +1 naming the people and what the events concern (audit.names)
REPORT_QUERIES = 14  # the register, information requests, agency comments; public-only with the row
DEPLOYMENT_LIST_QUERIES = 5
ASSESSMENT_LIST_QUERIES = 7
OFFICE_LOG_QUERIES = 9  # +1 members for "Who", +1 first event, +1 people, +1 deployments named


def answered_assessment(office, user, criteria: int):
    """A draft with every criterion answered, evidence linked to each answer, and its events."""
    categories, per_category = SIZES[criteria]
    version = make_framework(categories=categories, per_category=per_category)
    deployment = make_deployment(office, user)
    codes = version.criteria.order_by("position").values_list("code", flat=True)
    answers = {code: STATUSES[n % len(STATUSES)] for n, code in enumerate(codes)}
    assessment = make_assessment(deployment, version, user, answers=answers)
    evidence = [
        Evidence.objects.create(
            office=office, deployment=deployment, title=f"Source {n}", kind="document"
        )
        for n in range(3)
    ]
    through = Answer.evidence.through
    through.objects.bulk_create(
        through(answer_id=answer.pk, evidence_id=evidence[n % 3].pk)
        for n, answer in enumerate(assessment.answers.order_by("pk"))
    )
    append_many(
        {
            "action": "answer.updated",
            "actor": user,
            "office": office,
            "assessment": assessment,
            "before": {"status": scoring.NOT_ASSESSED},
            "after": {"status": status},
        }
        for status in answers.values()
    )
    return assessment


def assert_queries(client, url, expected, django_assert_num_queries):
    client.get(url)  # warm: first-request caches (content types, templates) are not under test
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("criteria", sorted(SIZES))
def test_overview_queries_do_not_grow_with_criteria(
    client_for, alice, office, criteria, django_assert_num_queries
):
    assessment = answered_assessment(office, alice, criteria)
    url = reverse("reviews:assessment", args=[assessment.pk])
    assert_queries(client_for(alice), url, OVERVIEW_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("criteria", sorted(SIZES))
def test_category_page_queries_do_not_grow_with_criteria(
    client_for, alice, office, criteria, django_assert_num_queries
):
    assessment = answered_assessment(office, alice, criteria)
    url = reverse("reviews:assessment_category", args=[assessment.pk, "C1"])
    assert_queries(client_for(alice), url, CATEGORY_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("criteria", sorted(SIZES))
def test_history_queries_do_not_grow_with_criteria(
    client_for, alice, office, criteria, django_assert_num_queries
):
    assessment = answered_assessment(office, alice, criteria)
    url = reverse("audit:assessment_history", args=[assessment.pk])
    assert_queries(client_for(alice), url, HISTORY_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("criteria", sorted(SIZES))
def test_report_page_queries_do_not_grow_with_criteria(
    client_for, alice, office, criteria, django_assert_num_queries
):
    assessment = answered_assessment(office, alice, criteria)
    url = reverse("reports:assessment_report", args=[assessment.pk])
    assert_queries(client_for(alice), url, REPORT_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("rows", [3, 30])
def test_deployment_list_queries_do_not_grow_with_rows(
    client_for, alice, office, rows, django_assert_num_queries
):
    version = make_framework()
    for n in range(rows):
        make_assessment(make_deployment(office, alice, name=f"Deployment {n:02d}"), version, alice)
    url = reverse("reviews:deployment_list")
    assert_queries(client_for(alice), url, DEPLOYMENT_LIST_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("rows", [3, 30])
def test_assessment_list_queries_do_not_grow_with_rows(
    client_for, alice, office, rows, django_assert_num_queries
):
    version = make_framework()
    for n in range(rows):
        make_assessment(make_deployment(office, alice, name=f"Deployment {n:02d}"), version, alice)
    url = reverse("reviews:assessment_list")
    assert_queries(client_for(alice), url, ASSESSMENT_LIST_QUERIES, django_assert_num_queries)


@pytest.mark.parametrize("rows", [3, 30])
def test_office_log_queries_do_not_grow_with_rows(
    client_for, olga, alice, office, rows, django_assert_num_queries
):
    append_many(
        {
            "action": "deployment.updated",
            "actor": alice,
            "office": office,
            "target_type": "reviews.deployment",
            "target_id": n,
            "before": {"notes": "old"},
            "after": {"notes": f"new {n}"},
        }
        for n in range(rows)
    )
    url = reverse("audit:office_log")
    assert_queries(client_for(olga), url, OFFICE_LOG_QUERIES, django_assert_num_queries)
