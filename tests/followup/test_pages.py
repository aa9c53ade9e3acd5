"""The register, a recommendation's page and steps, the deployment section, compare, portfolio."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.followup.models import Decision, Recommendation

from .conftest import reassess


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def recs(approved):
    return list(Recommendation.objects.filter(deployment=approved.deployment).order_by("serial"))


def test_register_lists_the_office_recommendations(client_for, victor, recs):
    response = client_for(victor).get(reverse("followup:register"))
    for rec in recs:
        assert rec.number in response.content.decode()
    assert response.context["page"].paginator.count == 3


def test_outsider_sees_none_of_the_register(client_for, mallory, recs):
    response = client_for(mallory).get(reverse("followup:register"))
    assert response.context["page"].paginator.count == 0
    assert client_for(mallory).get(recs[0].get_absolute_url()).status_code == 404


def test_register_filters_overdue_and_sorts(client_for, victor, recs):
    Recommendation.objects.filter(pk=recs[1].pk).update(target_date=datetime.date(2020, 1, 1))
    Recommendation.objects.filter(pk=recs[2].pk).update(target_date=datetime.date(2099, 1, 1))
    client = client_for(victor)
    overdue = client.get(reverse("followup:register"), {"overdue": "on"})
    assert [r.number for r in overdue.context["page"].object_list] == [recs[1].number]
    latest = client.get(reverse("followup:register"), {"sort": "-target"})
    numbers = [r.number for r in latest.context["page"].object_list]
    assert numbers.index(recs[2].number) < numbers.index(recs[1].number)
    by_status = client.get(reverse("followup:register"), {"status": "closed_implemented"})
    assert by_status.context["page"].paginator.count == 0


def test_register_filters_unresolved_and_year_old(client_for, victor, recs):
    Recommendation.objects.filter(pk=recs[0].pk).update(opened_on=datetime.date(2020, 1, 1))
    client = client_for(victor)
    for flag in ("unresolved", "over_a_year"):
        found = client.get(reverse("followup:register"), {flag: "on"})
        assert [r.number for r in found.context["page"].object_list] == [recs[0].number]


def test_register_csv_has_every_row_and_the_filters(client_for, victor, recs):
    response = client_for(victor).get(reverse("followup:register_csv"), {"priority": "high"})
    rows = rows_of(response)
    assert [row["number"] for row in rows] == [r.number for r in recs if r.priority == "high"]
    assert rows[0]["status"] == "open" and rows[0]["overdue"] == "no"


def test_register_queries_do_not_grow_with_rows(
    client_for, victor, office, alice, bob, recs, django_assert_num_queries
):
    client = client_for(victor)
    client.get(reverse("followup:register"))
    # session, user, roles, count, page (no list of deployments: the filter is by name)
    with django_assert_num_queries(5) as first:
        client.get(reverse("followup:register"))
    from tests.reports.builders import answered_assessment

    from .conftest import approve

    for n in range(3):
        approve(answered_assessment(office, alice, slug=f"more-{n}"), bob)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("followup:register"))


def test_reviewer_records_the_agency_response(client_for, alice, recs):
    rec = recs[0]
    url = reverse("followup:recommendation_edit", args=[rec.pk])
    response = client_for(alice).post(
        url,
        {
            "priority": "high",
            "agency_response": "concur",
            "agency_response_text": "We concur.",
            "agency_response_date": "2026-12-15",
            "agreed_action": "Publish the retention schedule.",
            "responsible_official": "A. Official, Chief Privacy Officer",
            "target_date": "2027-06-30",
            "version": rec.version,
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.agency_response == "concur" and rec.target_date == datetime.date(2027, 6, 30)
    event = Event.objects.get(action="recommendation.updated", target_id=str(rec.pk))
    assert event.after["agency_response"] == "concur"


def test_a_response_without_its_date_is_an_error_by_the_field(client_for, alice, recs):
    url = reverse("followup:recommendation_edit", args=[recs[0].pk])
    response = client_for(alice).post(
        url, {"priority": "high", "agency_response": "concur", "version": recs[0].version}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["agency_response_date"]


def test_viewer_cannot_edit(client_for, victor, recs):
    url = reverse("followup:recommendation_edit", args=[recs[0].pk])
    assert client_for(victor).get(url).status_code == 403


def test_closing_needs_evidence_shown_by_the_field(client_for, bob, recs):
    url = reverse("followup:recommendation_close", args=[recs[0].pk])
    response = client_for(bob).post(
        url, {"on": "2026-12-01", "text": "Done.", "outcome": "close_implemented"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    recs[0].refresh_from_db()
    assert recs[0].status == "open"


def test_reviewer_cannot_close(client_for, alice, recs):
    url = reverse("followup:recommendation_close", args=[recs[0].pk])
    assert client_for(alice).get(url).status_code == 403


def test_approver_closes_on_evidence_and_the_page_shows_it(client_for, bob, recs, approved):
    evidence = approved.deployment.evidence.order_by("pk").first()
    client = client_for(bob)
    url = reverse("followup:recommendation_close", args=[recs[0].pk])
    response = client.post(
        url,
        {
            "on": "2026-12-01",
            "text": "The agency published the policy.",
            "outcome": "close_implemented",
            "evidence": [evidence.pk],
        },
    )
    assert response.status_code == 302
    page = client.get(recs[0].get_absolute_url()).content.decode()
    assert "Closed – implemented" in page and evidence.title in page
    assert "The agency published the policy." in page


def test_supersede_points_to_the_replacement(client_for, bob, recs):
    url = reverse("followup:recommendation_supersede", args=[recs[0].pk])
    response = client_for(bob).post(
        url, {"on": "2026-12-01", "text": "Replaced.", "superseded_by": recs[1].number.lower()}
    )
    assert response.status_code == 302
    recs[0].refresh_from_db()
    assert recs[0].status == "superseded" and recs[0].superseded_by == recs[1]


def test_supersede_by_an_unknown_number_is_an_error(client_for, bob, recs):
    url = reverse("followup:recommendation_supersede", args=[recs[0].pk])
    response = client_for(bob).post(url, {"on": "2026-12-01", "text": "x", "superseded_by": "NO-1"})
    assert response.status_code == 200 and response.context["form"].errors["superseded_by"]


def test_recommendation_page_lists_the_reports_it_appears_in(client_for, victor, recs, approved):
    page = client_for(victor).get(recs[0].get_absolute_url())
    version = approved.report_versions.get()
    assert version.fingerprint[:16] in page.content.decode()


def test_approval_form_takes_conditions_and_validity(client_for, bob, office, alice):
    from tests.reports.builders import answered_assessment

    assessment = answered_assessment(office, alice, slug="approve-form")
    client = client_for(bob)
    confirmation = client.get(reverse("reviews:assessment_approve", args=[assessment.pk]))
    assert 'name="decision-validity"' in confirmation.content.decode()
    from unittest import mock

    from .conftest import PDF

    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=PDF):
        response = client.post(
            reverse("reviews:assessment_approve", args=[assessment.pk]),
            {
                "confirm": "on",
                "decision-validity": "6_months",
                "decision-conditions": "Publish the policy.\n\nAudit quarterly.",
            },
        )
    assert response.status_code == 302
    decision = Decision.objects.get(assessment=assessment)
    assert decision.validity == "6_months" and decision.conditions.count() == 2
    page = client.get(reverse("reviews:deployment", args=[assessment.deployment_id]))
    assert f"Re-assessment due {decision.valid_until:%Y-%m-%d}" in page.content.decode()


def test_contract_end_validity_needs_a_contract_end(client_for, bob, office, alice):
    from tests.reports.builders import answered_assessment

    assessment = answered_assessment(office, alice, slug="contract-end")
    response = client_for(bob).post(
        reverse("reviews:assessment_approve", args=[assessment.pk]),
        {"confirm": "on", "decision-validity": "contract_end"},
    )
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.status == "in_review"


def test_deployment_page_shows_due_soon_and_expired(client_for, victor, approved):
    decision = Decision.objects.get(assessment=approved)
    url = reverse("reviews:deployment", args=[approved.deployment_id])
    client = client_for(victor)
    Decision.objects.filter(pk=decision.pk).update(valid_until=datetime.date(2000, 1, 1))
    assert "expired" in client.get(url).content.decode()
    soon = datetime.date.today() + datetime.timedelta(days=10)
    Decision.objects.filter(pk=decision.pk).update(valid_until=soon)
    assert "due soon" in client.get(url).content.decode()


def test_compare_page_with_only_changes(client_for, victor, alice, bob, approved):
    second = reassess(approved, alice, bob, {"C1-3": "met"})
    url = reverse("followup:compare", args=[approved.deployment_id])
    query = {"old": f"version:{approved.pk}:1", "new": f"version:{second.pk}:1"}
    client = client_for(victor)
    everything = client.get(url, query)
    assert len(everything.context["rows"]) == 6
    only = client.get(url, query | {"changes_only": "on"})
    assert [row.code for row in only.context["rows"]] == ["C1-3"]
    assert "Closed gap" in only.content.decode()
    exported = rows_of(
        client.get(reverse("followup:compare_csv", args=[approved.deployment_id]), query)
    )
    assert {row["code"]: row["change"] for row in exported}["C1-3"] == "closed_gap"
    data = client.get(reverse("followup:compare_json", args=[approved.deployment_id]), query).json()
    assert data["worse"] is False


def test_compare_refuses_an_assessment_of_another_deployment(
    client_for, victor, office, alice, approved
):
    from tests.reports.builders import answered_assessment

    other = answered_assessment(office, alice, slug="other-dep")
    url = reverse("followup:compare", args=[approved.deployment_id])
    response = client_for(victor).get(
        url, {"old": f"version:{approved.pk}:1", "new": f"assessment:{other.pk}"}
    )
    assert response.status_code == 200 and response.context["result"] is None
    assert response.context["form"].errors["new"]


def test_portfolio_shows_each_deployment_and_exports(client_for, victor, approved, recs):
    Recommendation.objects.filter(pk=recs[0].pk).update(target_date=datetime.date(2020, 1, 1))
    client = client_for(victor)
    page = client.get(reverse("followup:portfolio"))
    line = next(
        line for line in page.context["lines"] if line.deployment_id == approved.deployment_id
    )
    assert line.open == 3 and line.overdue == 1 and line.versions == 1
    assert line.verdict and not line.provisional
    rows = rows_of(client.get(reverse("followup:portfolio_csv")))
    row = next(row for row in rows if row["deployment"] == approved.deployment.name)
    assert row["open_recommendations"] == "3" and row["overdue"] == "1"


def test_portfolio_marks_unapproved_verdicts_provisional(client_for, victor, office, alice):
    from tests.reports.builders import answered_assessment

    assessment = answered_assessment(office, alice, slug="provisional")
    page = client_for(victor).get(reverse("followup:portfolio"))
    line = next(
        line for line in page.context["lines"] if line.deployment_id == assessment.deployment_id
    )
    assert line.provisional and line.verdict
