"""The overview says only what fits the assessment's state: no draft-only text once it is
complete, submitted or approved."""

import pytest
from django.urls import reverse

from tests.factories import make_assessment, make_deployment, make_framework

pytestmark = pytest.mark.django_db

NEXT = "Next unanswered criterion"
REASSESS = "Start a new assessment from this one"


@pytest.fixture
def version(db):
    return make_framework(categories=2, per_category=2)


def assessment_in(office, alice, version, status, answered=True):
    codes = version.criteria.values_list("code", flat=True)
    answers = {code: "met" for code in codes} if answered else {}
    return make_assessment(
        make_deployment(office, alice), version, alice, status=status, answers=answers
    )


def page(client, assessment) -> str:
    return client.get(reverse("reviews:assessment", args=[assessment.pk])).content.decode()


def test_a_draft_with_unanswered_criteria_offers_the_next_one(client_for, alice, office, version):
    text = page(client_for(alice), assessment_in(office, alice, version, "draft", answered=False))
    assert NEXT in text
    assert REASSESS not in text  # a draft is continued, not re-assessed
    assert "Scores of the answers as they stand" in text


def test_a_complete_draft_has_nothing_unanswered_to_offer(client_for, alice, office, version):
    text = page(client_for(alice), assessment_in(office, alice, version, "draft"))
    assert NEXT not in text and "count as 0" not in text


@pytest.mark.parametrize(
    ("status", "scores"),
    [
        ("in_review", "Scores of the answers sent for review."),
        ("approved", "Scores of the approved answers."),
    ],
)
def test_submitted_and_approved_show_no_draft_text(
    client_for, alice, office, version, status, scores
):
    text = page(client_for(alice), assessment_in(office, alice, version, status))
    assert scores in text
    assert REASSESS in text
    for draft_only in (
        NEXT,
        "as they stand",
        "Live scores",
        "What blocks submission",
        "Provisional",
    ):
        assert draft_only not in text


def test_the_next_link_is_cached_per_reader(client_for, alice, victor, office, version):
    draft = assessment_in(office, alice, version, "draft", answered=False)
    assert NEXT not in page(client_for(victor), draft)  # a viewer first fills the cache
    assert NEXT in page(client_for(alice), draft)
