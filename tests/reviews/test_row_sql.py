"""Rows read in written-out SQL (reviews/row_sql.py) are what the ORM reads: the same values
and types, the relations attached, the fields not read deferred, and the subqueries that ride
with them answering as the ORM's annotations do."""

import datetime

import pytest

from safeguards.followup import question_links, requests
from safeguards.reports import rows
from safeguards.reports.data import REPORT_ASSESSMENTS
from safeguards.restricted.marks import set_public_only
from safeguards.reviews import returned, workflow
from safeguards.reviews.models import Assessment
from safeguards.reviews.row_sql import Part, RowSQL
from safeguards.reviews.views.assessments import OVERVIEW
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import undisclosed_request

ANNOTATED = Assessment.objects.annotate(
    latest_step=returned.latest_step_kind(), asked=question_links.any_sent()
)


def fields(instance, names):
    return {name: getattr(instance, name) for name in names}


@pytest.fixture
def assessment(office, alice):
    version = make_framework(categories=2, per_category=2)
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    return make_assessment(make_deployment(office, alice), version, alice, answers=answers)


def test_the_overview_row_has_the_orms_values_and_types(assessment, django_assert_num_queries):
    expected = ANNOTATED.get(pk=assessment.pk)
    with django_assert_num_queries(1):
        row = OVERVIEW.get(assessment.pk)
        names = ["pk", "office_id", "deployment_id", "title", "as_of", "status", "updated_at"]
        assert fields(row, names) == fields(expected, names)
        assert isinstance(row.as_of, datetime.date) and row.updated_at.tzinfo is not None
        assert (row.latest_step, row.asked) == (None, False)
    assert "executive_summary" in row.get_deferred_fields()
    assert row.executive_summary == expected.executive_summary  # read when asked for


def test_the_overview_row_sees_a_return_and_a_sent_question(office, alice, bob, assessment):
    workflow.submit(assessment, alice)
    workflow.return_to_draft(assessment, bob, "C1-1 needs a source.")
    assert (OVERVIEW.get(assessment.pk).latest_step, OVERVIEW.get(assessment.pk).asked) == (
        "returned",
        False,
    )
    req = undisclosed_request(office, alice, datetime.date(2027, 3, 3), name="Asked", slug="asked")
    asked = req.assessment
    assert OVERVIEW.get(asked.pk).asked is False  # a draft request asks nothing yet
    requests.send(req, alice)
    row, expected = OVERVIEW.get(asked.pk), ANNOTATED.get(pk=asked.pk)
    assert (row.latest_step, row.asked) == (expected.latest_step, expected.asked)
    assert row.asked is True


def test_no_such_row_is_none(db):
    assert OVERVIEW.get(10**9) is None


def test_the_report_row_carries_its_relations_and_the_members_access(
    office, victor, assessment, django_assert_num_queries
):
    expected = REPORT_ASSESSMENTS.get(pk=assessment.pk)
    with django_assert_num_queries(1):
        row = rows.CURRENT.get(assessment.pk, user_id=victor.pk)
        assert row.office.name == expected.office.name
        assert row.deployment.updated_at == expected.deployment.updated_at
        version = row.framework_version
        assert (version.framework.slug, version.source_sha256, version.loaded_at) == (
            expected.framework_version.framework.slug,
            expected.framework_version.source_sha256,
            expected.framework_version.loaded_at,
        )
        assert (row.viewer_public_only, row.report_version_count) == (False, 0)
    assert {"source_text", "description"} <= version.get_deferred_fields()
    set_public_only(victor.memberships.get(office=office), True)
    assert rows.CURRENT.get(assessment.pk, user_id=victor.pk).viewer_public_only is True


def test_a_nullable_relation_not_set_is_none_and_a_set_one_is_read(
    office, alice, assessment, django_assert_num_queries
):
    based = RowSQL(Part(Assessment, fields=("title",)), (Part(Assessment, "based_on", ("title",)),))
    assert based.get(assessment.pk).based_on is None
    later = make_assessment(assessment.deployment, assessment.framework_version, alice)
    Assessment.objects.filter(pk=later.pk).update(based_on=assessment)
    with django_assert_num_queries(1):
        assert based.get(later.pk).based_on.title == assessment.title
