import pytest

from tests.factories import make_assessment, make_deployment, make_framework
from tests.reports.builders import answered_assessment


@pytest.fixture
def draft(office, alice):
    version = make_framework(categories=2, per_category=2)
    return make_assessment(
        make_deployment(office, alice), version, alice, answers={"C1-1": "met", "C1-2": "not_met"}
    )


@pytest.fixture
def in_review(office, alice):
    """Every answer saved by alice, submitted; bob (approver) scored nothing."""
    return answered_assessment(office, alice, slug="review-framework")


def answer(assessment, code):
    return assessment.answers.select_related("criterion").get(criterion__code=code)
