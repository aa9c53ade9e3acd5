"""Fetching a report's data: a fixed number of queries, and everything it needs."""

from dataclasses import replace

import pytest

from safeguards.reports.data import REPORT_ASSESSMENTS, live_report, report_input

from .builders import answered_assessment

# eight (the assessment, categories, criteria, answers, who scored, evidence, steps, audit
# anchor in one), the recommendations register, information requests, agency comments
QUERIES = 11


@pytest.mark.parametrize("per_category", [5, 80])
def test_report_data_takes_the_same_queries_at_15_and_240_criteria(
    office, alice, django_assert_num_queries, per_category
):
    assessment = answered_assessment(office, alice, categories=3, per_category=per_category)
    with django_assert_num_queries(QUERIES):
        data = report_input(assessment)
    assert len(data.criteria) == 3 * per_category


def test_report_data_of_an_assessment_just_read_for_it_reads_it_once(
    office, alice, django_assert_num_queries
):
    assessment = REPORT_ASSESSMENTS.get(pk=answered_assessment(office, alice).pk)
    with django_assert_num_queries(QUERIES - 1):
        loaded = report_input(assessment, loaded=True)
    again = report_input(assessment)
    assert replace(loaded, generated_at=None) == replace(again, generated_at=None)


def test_report_carries_evidence_approvals_and_audit_anchor(office, alice):
    assessment = answered_assessment(office, alice)
    data = live_report(assessment).as_dict()
    first = data["criteria"][0]
    assert [item["title"] for item in first["evidence"]] == [
        "Contract statement of work",
        "Note on C1-1",
    ]
    assert first["evidence"][0]["sha256"] == "ab" * 32
    assert [(a["role"], a["username"]) for a in data["approvals"]] == [
        ("reviewer", "alice"),
        ("submitter", "alice"),
    ]
    assert data["audit"]["events"] == 1 and len(data["audit"]["head"]) == 64
    assert data["status"] == "draft" and data["report_version"] is None


def test_fingerprint_is_the_same_across_two_runs(office, alice):
    assessment = answered_assessment(office, alice)
    first, second = live_report(assessment), live_report(assessment)
    assert first.fingerprint == second.fingerprint
    assert first.generated_at != second.generated_at or first.generated_at


# The report of answered_assessment() with the values that depend on the database's ids and
# clock set to constants. Pinned, so SQLite and PostgreSQL must produce the very same report.
PINNED = "dde233a98dbf7f82291a7370a8d18fb9c78b727380edb48c5905445e75fddf02"


def test_fingerprint_is_pinned_on_every_database(office, alice):
    from safeguards.reports.assemble import fingerprint_of

    data = live_report(answered_assessment(office, alice)).as_dict()
    data["deployment"]["id"] = data["assessment"]["id"] = 1
    data["audit"]["head"] = data["framework"]["sha256"] = "0" * 64
    for approval in data["approvals"]:
        approval["at"] = "2026-11-26T00:00:00.000000Z"
    assert fingerprint_of(data) == PINNED
