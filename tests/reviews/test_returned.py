"""A returned assessment has its own visible state, with the comment where it matters."""

import pytest
from django.urls import reverse

from safeguards.reviews import returned, workflow
from tests.factories import make_assessment, make_deployment, make_framework

COMMENT = "C2-1 needs the contract clause, not the press release."


@pytest.fixture
def version():
    return make_framework(categories=2, per_category=2)


@pytest.fixture
def in_review(office, alice, version):
    deployment = make_deployment(office, alice)
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    workflow.submit(assessment, alice)
    return assessment


def category_url(assessment, code):
    return reverse("reviews:assessment_category", args=[assessment.pk, code])


@pytest.mark.parametrize(
    ("comment", "code", "expected"),
    [
        ("C2-1 needs the contract clause.", "C2", True),
        ("C2-1 needs the contract clause.", "C1", False),
        ("Both C1 and C2-2 are thin.", "C1", True),
        ("Every rationale needs a source.", "C1", True),  # names none: concerns all
        ("See RFC-7 and ISO-9.", "C1", True),  # not category codes: concerns all
    ],
)
def test_which_categories_a_comment_concerns(comment, code, expected):
    assert returned.concerns(comment, code, ["C1", "C2"]) is expected


def test_overview_says_returned_for_changes_with_the_comment_on_top(
    client_for, alice, bob, in_review
):
    workflow.return_to_draft(in_review, bob, COMMENT)
    content = client_for(alice).get(in_review.get_absolute_url()).content.decode()
    assert "Returned for changes" in content and COMMENT in content
    # At the top: before the summary of scores.
    assert content.index(COMMENT) < content.index('id="score-heading"')


def test_category_pages_show_the_comment_only_where_it_concerns(client_for, alice, bob, in_review):
    workflow.return_to_draft(in_review, bob, COMMENT)
    client = client_for(alice)
    assert COMMENT in client.get(category_url(in_review, "C2")).content.decode()
    assert COMMENT not in client.get(category_url(in_review, "C1")).content.decode()


def test_resubmitted_assessment_is_no_longer_shown_as_returned(client_for, alice, bob, in_review):
    workflow.return_to_draft(in_review, bob, COMMENT)
    workflow.submit(in_review, alice)
    content = client_for(alice).get(in_review.get_absolute_url()).content.decode()
    assert "Returned for changes" not in content and COMMENT not in content.split("<ol")[0]
