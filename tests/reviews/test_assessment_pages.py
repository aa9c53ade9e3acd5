"""The assessment list, starting an assessment, the overview and the next-unanswered jump."""

import datetime

import pytest
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.followup import requests
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, AnswerChange, Assessment
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import request_for


@pytest.fixture
def version(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def assessment(deployment, version, alice):
    return make_assessment(deployment, version, alice)


def overview(assessment):
    return reverse("reviews:assessment", args=[assessment.pk])


# Access ladder --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["assessment", "assessment_next_unanswered", "assessment_reassess"]
)
def test_anonymous_is_sent_to_login(client, assessment, name):
    response = client.get(reverse(f"reviews:{name}", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_list_and_start_are_sent_to_login(client, deployment):
    for url in (
        reverse("reviews:assessment_list"),
        reverse("reviews:assessment_create", args=[deployment.pk]),
    ):
        assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["assessment", "assessment_next_unanswered", "assessment_reassess"]
)
def test_other_office_gets_404(client_for, mallory, assessment, name):
    response = client_for(mallory).get(reverse(f"reviews:{name}", args=[assessment.pk]))
    assert response.status_code == 404


def test_other_office_cannot_start_an_assessment_of_the_deployment(client_for, mallory, deployment):
    response = client_for(mallory).get(reverse("reviews:assessment_create", args=[deployment.pk]))
    assert response.status_code == 404


def test_other_office_does_not_see_it_in_the_list(client_for, mallory, assessment):
    response = client_for(mallory).get(reverse("reviews:assessment_list"))
    assert assessment.title.encode() not in response.content
    assert b"No assessments yet." in response.content


def test_viewer_reads_the_overview_without_write_controls(client_for, victor, assessment):
    response = client_for(victor).get(overview(assessment))
    assert response.status_code == 200
    assert b"Submit for review" not in response.content
    assert b"Start a new assessment from this one" not in response.content
    assert b"Next unanswered criterion" not in response.content


@pytest.mark.parametrize("name", ["assessment_reassess"])
def test_viewer_gets_403_on_write_pages(client_for, victor, assessment, name):
    response = client_for(victor).get(reverse(f"reviews:{name}", args=[assessment.pk]))
    assert response.status_code == 403


def test_viewer_cannot_start_an_assessment(client_for, victor, deployment, version):
    url = reverse("reviews:assessment_create", args=[deployment.pk])
    response = client_for(victor).post(
        url, {"title": "Mine", "framework_version": version.pk, "as_of": "2026-11-01"}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


# List -------------------------------------------------------------------------------------


def test_list_filters_by_status_deployment_framework_and_title(client_for, alice, office, version):
    first = make_deployment(office, alice, name="First system")
    second = make_deployment(office, alice, name="Second system")
    other_version = make_framework(slug="other")
    a = make_assessment(first, version, alice)
    a.title = "Spring review"
    a.save()
    b = make_assessment(second, other_version, alice, status="in_review")
    b.title = "Autumn review"
    b.save()
    client = client_for(alice)
    url = reverse("reviews:assessment_list")

    def titles(**params):
        content = client.get(url, params).content.decode()
        return [title for title in ("Spring review", "Autumn review") if title in content]

    assert titles() == ["Spring review", "Autumn review"]
    assert titles(status="in_review") == ["Autumn review"]
    assert titles(deployment=first.pk) == ["Spring review"]
    assert titles(framework="other") == ["Autumn review"]
    assert titles(q="spring") == ["Spring review"]


def test_list_ignores_an_invalid_filter_without_error(client_for, alice, assessment):
    response = client_for(alice).get(
        reverse("reviews:assessment_list"), {"deployment": "nonsense", "page": "x"}
    )
    assert response.status_code == 200


def test_list_is_paginated(client_for, alice, deployment, version):
    for _ in range(27):
        make_assessment(deployment, version, alice)
    response = client_for(alice).get(reverse("reviews:assessment_list"))
    assert b"Page 1 of 2" in response.content
    response = client_for(alice).get(reverse("reviews:assessment_list"), {"page": 2})
    assert b"Page 2 of 2" in response.content


# Start ------------------------------------------------------------------------------------


def test_start_form_defaults_to_the_newest_version_and_today(client_for, alice, deployment):
    make_framework(slug="old")
    newest = make_framework(slug="new")
    newest.published = datetime.date(2027, 1, 1)
    newest.save()
    response = client_for(alice).get(reverse("reviews:assessment_create", args=[deployment.pk]))
    form = response.context["form"]
    assert form.initial["framework_version"] == newest.pk
    assert form.initial["as_of"] == datetime.date.today()


def test_reviewer_starts_an_assessment_with_an_answer_per_criterion(
    client_for, alice, deployment, version
):
    response = client_for(alice).post(
        reverse("reviews:assessment_create", args=[deployment.pk]),
        {"title": "First look", "framework_version": version.pk, "as_of": "2026-11-01"},
    )
    assessment = Assessment.objects.get()
    assert response["Location"] == overview(assessment)
    assert assessment.office == deployment.office
    assert assessment.answers.count() == 15
    assert set(assessment.answers.values_list("status", flat=True)) == {scoring.NOT_ASSESSED}
    event = Event.objects.get(action="assessment.created")
    assert event.assessment_id == assessment.pk and event.actor == alice


def test_start_refuses_a_bad_date_next_to_the_field(client_for, alice, deployment, version):
    response = client_for(alice).post(
        reverse("reviews:assessment_create", args=[deployment.pk]),
        {"title": "First look", "framework_version": version.pk, "as_of": "31/31/2026"},
    )
    assert response.status_code == 200
    assert b"Enter a valid date" in response.content
    assert not Assessment.objects.exists()


# Overview ---------------------------------------------------------------------------------


def test_overview_shows_progress_scores_and_verdict(client_for, alice, deployment, version):
    answers = {"C1-1": "met", "C1-2": "partial", "C2-1": "not_met"}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    response = client_for(alice).get(overview(assessment))
    content = response.content.decode()
    assert "2 of 5" in content and "1 of 5" in content and "0 of 5" in content
    summary = response.context["summary"]
    assert summary.verdict == scoring.VERDICT_LABELS[summary.result.verdict]
    assert "n/a" not in [row["score"] for row in summary.categories]
    assert "C1-3: not assessed yet." in content


def test_overview_shows_na_for_a_category_with_nothing_applicable(
    client_for, alice, deployment, version
):
    answers = {f"C3-{n}": "not_applicable" for n in range(1, 6)}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    response = client_for(alice).get(overview(assessment))
    summary = response.context["summary"]
    scores = {row["category"].code: row["score"] for row in summary.categories}
    assert scores["C3"] == "n/a"


def test_overview_flags_a_gap_without_recommendation(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice, answers={"C2-2": "undisclosed"})
    response = client_for(alice).get(overview(assessment))
    assert b"Gaps without a recommendation" in response.content
    assert b"C2-2 Criterion 2.2" in response.content


def test_overview_shows_the_red_line_breach(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice, answers={"C1-1": "not_met"})
    response = client_for(alice).get(overview(assessment))
    assert b"1: C1-1" in response.content
    assert response.context["summary"].result.red_line_breaches == ("C1-1",)


def test_overview_of_an_unfinished_draft_is_provisional_without_a_verdict(
    client_for, alice, deployment, version
):
    answers = {"C1-1": "not_met", "C1-2": "undisclosed", "C1-3": "met"}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    content = client_for(alice).get(overview(assessment)).content.decode()
    total = assessment.answers.count()
    assert f"Provisional — 3 of {total} assessed" in content
    assert "Red line breached" not in content and "verdict-badge" not in content
    # Disclosure over the three assessed criteria: one undisclosed of three.
    assert "66.7 %" in content and "of the 3 assessed" in content


def test_overview_of_a_fully_assessed_draft_shows_the_verdict(
    client_for, alice, deployment, version
):
    assessment = make_assessment(deployment, version, alice)
    assessment.answers.update(status="met", rationale="Clause 4.")
    content = client_for(alice).get(overview(assessment)).content.decode()
    assert "Provisional" not in content
    assert "verdict-badge verdict-adequate" in content


# Session, user, roles, assessment (with the kind of its latest workflow step and whether its
# operator was asked anything), the answers' fingerprint, the team-work fingerprint (notes,
# assignments, review marks): scores, lists, steps and team work of an unchanged assessment
# come from the cache; the return comment and the questions asked are read only when there
# are any.
OVERVIEW_QUERIES = 6


@pytest.mark.parametrize("per_category", [5, 80])
def test_overview_query_count_does_not_grow_with_criteria(
    client_for, alice, office, per_category, django_assert_num_queries
):
    version = make_framework(categories=3, per_category=per_category)
    deployment = make_deployment(office, alice)
    assessment = make_assessment(
        deployment, version, alice, answers={"C1-1": "met", "C2-2": "partial"}
    )
    client = client_for(alice)
    client.get(overview(assessment))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(overview(assessment))
    assert response.status_code == 200


@pytest.mark.parametrize("per_category", [3, 40])
def test_a_returned_and_asked_overview_reads_each_once(
    client_for, alice, bob, office, per_category, django_assert_num_queries
):
    version = make_framework(categories=2, per_category=per_category)
    answers = {criterion.code: "undisclosed" for criterion in version.criteria.all()}
    assessment = make_assessment(make_deployment(office, alice), version, alice, answers=answers)
    requests.send(request_for(assessment, alice, datetime.date(2027, 3, 3)), alice)
    workflow.submit(assessment, alice)
    workflow.return_to_draft(assessment, bob, comment="C1-2 needs the contract clause.")
    client = client_for(alice)
    client.get(overview(assessment))
    # + the return step, the questions asked and their criteria's categories
    with django_assert_num_queries(OVERVIEW_QUERIES + 3):
        html = client.get(overview(assessment)).content.decode()
    assert "C1-2 needs the contract clause." in html
    assert "Asked of the operator" in html
    assert html.count('<tr class="question-') == 2 * per_category


def test_overview_shows_changed_scores_at_once(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice)
    client = client_for(alice)
    assert "0 of 5" in client.get(overview(assessment)).content.decode()
    row = Answer.objects.get(assessment=assessment, criterion__code="C2-3")
    change = AnswerChange(row.pk, row.version, scoring.MET, "Clause 9.", "")
    assessment.save_answers([change], by=alice)
    content = client.get(overview(assessment)).content.decode()
    assert "1 of 5" in content and "C2-3: not assessed yet." not in content


def test_overview_shows_a_new_workflow_step_at_once(client_for, alice, bob, deployment, version):
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    client = client_for(alice)
    assert b"Not yet submitted for review." in client.get(overview(assessment)).content
    workflow.submit(assessment, by=alice)
    workflow.return_to_draft(assessment, by=bob, comment="Cite the contract clauses.")
    content = client.get(overview(assessment)).content.decode()
    assert "Returned to draft" in content and "Cite the contract clauses." in content


def test_overview_shows_a_renamed_deployment_at_once(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice)
    client = client_for(alice)
    assert deployment.name in client.get(overview(assessment)).content.decode()
    deployment.name = "Renamed face search"
    deployment.save()
    assert "Renamed face search" in client.get(overview(assessment)).content.decode()


def test_overview_of_an_unchanged_assessment_reads_no_answers(
    client_for, alice, deployment, version, django_assert_num_queries
):
    assessment = make_assessment(deployment, version, alice, answers={"C1-1": "met"})
    client = client_for(alice)
    first = client.get(overview(assessment)).content.decode()
    with django_assert_num_queries(OVERVIEW_QUERIES) as context:
        second = client.get(overview(assessment)).content.decode()
    answer_rows = [q["sql"] for q in context.captured_queries if '"reviews_answer"' in q["sql"]]
    assert len(answer_rows) == 1 and "SUM(" in answer_rows[0].upper()  # the fingerprint only
    assert summary_part(first) == summary_part(second)


@pytest.mark.parametrize("per_category", [5, 80])
def test_overview_after_a_save_reads_the_answers_once_and_keeps_the_head(
    client_for, alice, office, per_category, django_assert_num_queries
):
    """Reviewers save drafts all day: after a save the overview reads the answers (as rows)
    and the framework's thresholds, and nothing else; its head and steps stay cached."""
    version = make_framework(categories=3, per_category=per_category)
    assessment = make_assessment(make_deployment(office, alice), version, alice)
    client = client_for(alice)
    client.get(overview(assessment))
    row = Answer.objects.get(assessment=assessment, criterion__code="C2-3")
    assessment.save_answers(
        [AnswerChange(row.pk, row.version, scoring.NOT_MET, "None.", "")], alice
    )
    with django_assert_num_queries(OVERVIEW_QUERIES + 2) as context:
        content = client.get(overview(assessment)).content.decode()
    tables = " ".join(q["sql"] for q in context.captured_queries)
    assert (
        '"reviews_workflowstep"."id"' not in tables and '"reviews_deployment"."name"' not in tables
    )
    assert f"1 of {3 * per_category} assessed" in content
    assert "C2-3 Criterion 2.3</a> (not met)" in content  # a gap without a recommendation
    assert "Not yet submitted for review." in content and assessment.title in content


def summary_part(html: str) -> str:
    """From the score section to the workflow's forms (past the per-request CSRF tokens)."""
    return html.split('id="score-heading"', 1)[1].split("<form", 1)[0]


# Next unanswered --------------------------------------------------------------------------


def test_next_unanswered_jumps_to_the_first_criterion_without_status(
    client_for, alice, deployment, version
):
    answers = {f"C1-{n}": "met" for n in range(1, 6)}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    response = client_for(alice).get(
        reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
    )
    category = reverse("reviews:assessment_category", args=[assessment.pk, "C2"])
    assert response["Location"] == f"{category}#criterion-C2-1"


def test_next_unanswered_after_a_code_continues_from_there(client_for, alice, assessment):
    url = reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
    response = client_for(alice).get(url, {"after": "C2-5"})
    category = reverse("reviews:assessment_category", args=[assessment.pk, "C3"])
    assert response["Location"] == f"{category}#criterion-C3-1"


def test_next_unanswered_says_so_when_everything_has_a_status(
    client_for, alice, deployment, version
):
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    url = reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
    response = client_for(alice).get(url, follow=True)
    assert b"Every criterion has a status." in response.content


def test_answer_rows_exist_for_every_criterion(assessment):
    assert Answer.objects.filter(assessment=assessment).count() == 15


def test_overview_links_to_the_report(client_for, victor, assessment):
    response = client_for(victor).get(overview(assessment))
    report = reverse("reports:assessment_report", args=[assessment.pk])
    assert f'href="{report}"'.encode() in response.content


def test_overview_lists_what_blocks_submission_with_links(client_for, alice, assessment):
    content = client_for(alice).get(overview(assessment)).content.decode()
    category = reverse("reviews:assessment_category", args=[assessment.pk, "C2"])
    assert f'href="{category}#criterion-C2-4">C2-4: not assessed yet.' in content
    assert "15 problems to resolve" in content


def test_links_to_pages_not_built_yet_are_left_out():
    from safeguards.reviews.views.assessments import optional_url

    assert optional_url("no_such:page", 1) is None
