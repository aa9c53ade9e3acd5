"""Sortable list columns: the sort parameter, the header links and aria-sort, on every list."""

import datetime

import pytest
from django.urls import reverse

from safeguards.accounts.models import Membership, Role
from safeguards.reviews.models import Evidence
from safeguards.reviews.sorting import DATES, Column, sort_by
from tests.factories import make_assessment, make_deployment, make_framework

COLUMNS = [
    Column("Name", "name", ("name",)),
    Column("Added", "added", ("added_at", "name"), descending_first=True, orders=DATES),
    Column("Notes"),
]


@pytest.mark.parametrize(
    ("value", "ordering", "directions", "clicks"),
    [
        (None, ["name", "pk"], ["ascending", "", ""], ["-name", "-added", ""]),
        ("-name", ["-name", "-pk"], ["descending", "", ""], ["name", "-added", ""]),
        ("-added", ["-added_at", "-name", "-pk"], ["", "descending", ""], ["name", "added", ""]),
        ("added", ["added_at", "name", "pk"], ["", "ascending", ""], ["name", "-added", ""]),
        ("password", ["name", "pk"], ["ascending", "", ""], ["-name", "-added", ""]),
        ("notes", ["name", "pk"], ["ascending", "", ""], ["-name", "-added", ""]),
        ("--name", ["name", "pk"], ["ascending", "", ""], ["-name", "-added", ""]),
    ],
)
def test_sort_by(value, ordering, directions, clicks):
    sorting = sort_by(value, COLUMNS, default="name")
    assert sorting.ordering == ordering
    assert [header.direction for header in sorting.headers] == directions
    assert [header.sort for header in sorting.headers] == clicks


def test_caption_says_the_order():
    assert sort_by("-added", COLUMNS, default="name").label == "sorted by added, newest first"
    assert sort_by(None, COLUMNS, default="name").label == "sorted by name, A to Z"


def names_in_order(html, names):
    return sorted(names, key=html.index)


@pytest.fixture
def deployments(office, alice):
    return [
        make_deployment(office, alice, name="Bravo", operator="Zulu agency"),
        make_deployment(office, alice, name="Alpha", operator="Yankee agency"),
        make_deployment(office, alice, name="Charlie", operator="Xray agency"),
    ]


def test_deployment_list_sorts_by_name_by_default_and_marks_it(client_for, alice, deployments):
    html = client_for(alice).get(reverse("reviews:deployment_list")).content.decode()
    assert names_in_order(html, ["Bravo", "Alpha", "Charlie"]) == ["Alpha", "Bravo", "Charlie"]
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link" href="?sort=-name">' in html
    assert html.count("aria-sort=") == 1
    assert "sorted by name, A to Z" in html


def test_deployment_list_sorts_by_operator_and_keeps_the_search(client_for, alice, deployments):
    url = reverse("reviews:deployment_list")
    response = client_for(alice).get(url, {"q": "agency", "sort": "operator"})
    html = response.content.decode()
    assert names_in_order(html, ["Alpha", "Bravo", "Charlie"]) == ["Charlie", "Alpha", "Bravo"]
    assert 'aria-sort="ascending"><a class="sort-link" href="?q=agency&amp;sort=-operator"' in html
    # The search form keeps the order when searching again.
    assert '<input type="hidden" name="sort" value="operator">' in html


def test_office_column_sorts_only_for_members_of_several_offices(
    client_for, alice, other_office, deployments
):
    url = reverse("reviews:deployment_list")
    assert "sort=office" not in client_for(alice).get(url).content.decode()
    Membership.objects.create(office=other_office, user=alice, role=Role.VIEWER)
    make_deployment(other_office, name="Delta")
    html = client_for(alice).get(url, {"sort": "-office"}).content.decode()
    # "Office of Inspector General" before "Another Oversight Board" when descending.
    assert names_in_order(html, ["Alpha", "Delta"]) == ["Alpha", "Delta"]
    assert 'aria-sort="descending"' in html


def test_assessment_list_sorts_by_title_within_the_filters(client_for, alice, office):
    version = make_framework(categories=1, per_category=1)
    first = make_assessment(make_deployment(office, alice, name="One"), version, alice)
    second = make_assessment(make_deployment(office, alice, name="Two"), version, alice)
    first.title, first.as_of = "Zeta review", datetime.date(2026, 1, 1)
    second.title, second.as_of = "Eta review", datetime.date(2025, 1, 1)
    first.save()
    second.save()
    url = reverse("reviews:assessment_list")
    client = client_for(alice)
    html = client.get(url).content.decode()  # newest as-of first by default
    assert names_in_order(html, ["Zeta review", "Eta review"]) == ["Zeta review", "Eta review"]
    assert "sorted by as of, newest first" in html
    html = client.get(url, {"status": "draft", "sort": "title"}).content.decode()
    assert names_in_order(html, ["Zeta review", "Eta review"]) == ["Eta review", "Zeta review"]
    assert 'href="?status=draft&amp;sort=-title"' in html
    assert "matching the filters" in html
    # Sorting alone is not filtering.
    assert "matching the filters" not in client.get(url, {"sort": "title"}).content.decode()


def test_evidence_list_sorts_by_the_number_of_answers(client_for, alice, office):
    version = make_framework(categories=1, per_category=2)
    deployment = make_deployment(office, alice)
    assessment = make_assessment(deployment, version, alice)
    few = Evidence.objects.create(
        office=office, deployment=deployment, title="A few", kind="document"
    )
    many = Evidence.objects.create(
        office=office, deployment=deployment, title="B many", kind="document"
    )
    for answer in assessment.answers.all():
        answer.evidence.add(many)
    answer.evidence.add(few)
    url = reverse("reviews:evidence_list", args=[deployment.pk])
    html = client_for(alice).get(url, {"sort": "-answers"}).content.decode()
    assert names_in_order(html, ["A few", "B many"]) == ["B many", "A few"]
    assert "sorted by answers, most first" in html


@pytest.mark.parametrize("sort", ["name", "-operator", "technology"])
def test_sorting_costs_no_extra_query(
    client_for, alice, deployments, sort, django_assert_num_queries
):
    client = client_for(alice)
    url = reverse("reviews:deployment_list")
    client.get(url)
    with django_assert_num_queries(DEPLOYMENT_LIST_QUERIES):
        client.get(url, {"sort": sort})


# Session, user, roles, the page count and the page's rows.
DEPLOYMENT_LIST_QUERIES = 5


def test_assessment_list_sorts_status_in_workflow_order(client_for, alice, bob, office):
    from safeguards.reviews.models import StepKind, WorkflowStep

    version = make_framework()
    made = {}
    for name, status in [
        ("Approved one", "approved"),
        ("In review one", "in_review"),
        ("Returned one", "draft"),
        ("Draft one", "draft"),
    ]:
        made[name] = make_assessment(
            make_deployment(office, alice, name=f"System {status}"), version, alice, status=status
        )
        made[name].title = name
        made[name].save(update_fields=["title"])
    WorkflowStep.objects.create(
        assessment=made["Returned one"], kind=StepKind.SUBMITTED, user=alice
    )
    WorkflowStep.objects.create(
        assessment=made["Returned one"], kind=StepKind.RETURNED, user=bob, comment="Fix RET."
    )
    client, url = client_for(alice), reverse("reviews:assessment_list")
    workflow = ["Draft one", "Returned one", "In review one", "Approved one"]
    html = client.get(url, {"sort": "status"}).content.decode()
    assert names_in_order(html, workflow) == workflow
    assert "sorted by status, draft first" in html
    assert "Returned for changes" in html
    html = client.get(url, {"sort": "-status"}).content.decode()
    assert names_in_order(html, workflow) == workflow[::-1]
