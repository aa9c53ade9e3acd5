"""The report page and its downloads: access, content, headers, frozen bytes, draft cache."""

import csv
import io
import json

import pytest
from django.db import transaction
from django.urls import reverse

from safeguards.reports.check import check_report
from safeguards.reports.freeze import freeze_report

from .builders import answered_assessment

CURRENT = ["assessment_report", "pdf", "json", "csv"]
FROZEN = ["version_pdf", "version_json", "version_csv"]


@pytest.fixture
def assessment(office, alice):
    return answered_assessment(office, alice)


@pytest.fixture
def approved(assessment, bob):
    with transaction.atomic():
        version = freeze_report(assessment, approved_by=bob)
        assessment.status = "approved"
        assessment.save(update_fields=["status"])
    return version


def urls(assessment):
    return [reverse(f"reports:{name}", args=[assessment.pk]) for name in CURRENT] + [
        reverse(f"reports:{name}", args=[assessment.pk, 1]) for name in FROZEN
    ]


def test_outsider_gets_404_on_every_report_url(client_for, mallory, approved):
    client = client_for(mallory)
    for url in urls(approved.assessment):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, assessment):
    response = client.get(reverse("reports:assessment_report", args=[assessment.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_viewer_reads_the_report_page(client_for, victor, assessment):
    response = client_for(victor).get(reverse("reports:assessment_report", args=[assessment.pk]))
    assert response.status_code == 200
    assert b"Questions to put to the operator" in response.content
    assert b'role="img"' in response.content and b'<title id="chart-title">' in response.content
    assert b"style=" not in response.content
    assert b"DRAFT" in response.content


def test_draft_json_download_is_a_valid_report(client_for, victor, assessment):
    response = client_for(victor).get(reverse("reports:json", args=[assessment.pk]))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["status"] == "draft" and check_report(data).intact


def test_csv_has_one_row_per_criterion_with_evidence_in_one_cell(client_for, victor, assessment):
    response = client_for(victor).get(reverse("reports:csv", args=[assessment.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == ["C1-1", "C1-2", "C1-3", "C2-1", "C2-2", "C2-3"]
    assert "Contract statement of work | §4" in rows[0]["evidence"]
    assert "Note on C1-1" in rows[0]["evidence"]


def test_approved_downloads_are_the_frozen_bytes(client_for, victor, approved):
    client = client_for(victor)
    pk = approved.assessment_id
    assert client.get(reverse("reports:pdf", args=[pk])).content == bytes(approved.pdf)
    assert client.get(reverse("reports:version_pdf", args=[pk, 1])).content == bytes(approved.pdf)
    frozen_json = client.get(reverse("reports:version_json", args=[pk, 1])).content
    assert frozen_json == approved.canonical_json.encode()
    assert client.get(reverse("reports:json", args=[pk])).content == frozen_json


def test_approved_page_shows_the_frozen_version(client_for, victor, approved):
    response = client_for(victor).get(
        reverse("reports:assessment_report", args=[approved.assessment_id])
    )
    assert b"approved <strong>version 1</strong>" in response.content
    assert approved.fingerprint.encode() in response.content
    assert b"DRAFT" not in response.content


def test_missing_version_is_404(client_for, victor, assessment):
    response = client_for(victor).get(reverse("reports:version_pdf", args=[assessment.pk, 9]))
    assert response.status_code == 404


def test_unchanged_draft_pdf_is_served_from_the_cache(client_for, victor, assessment, settings):
    client = client_for(victor)
    url = reverse("reports:pdf", args=[assessment.pk])
    first = client.get(url)
    cached = list((settings.DATA_DIR / "cache" / "reports").glob("*.pdf"))
    assert first["Content-Type"] == "application/pdf" and len(cached) == 1
    assert client.get(url).content == first.content
    assert cached[0].read_bytes() == first.content


@pytest.mark.parametrize("per_category", [5, 80])
@pytest.mark.parametrize(("name", "queries"), [("assessment_report", 17), ("json", 17)])
def test_report_page_and_json_take_the_same_queries_at_15_and_240_criteria(
    client_for, office, alice, victor, django_assert_num_queries, per_category, name, queries
):
    # Of these, six are the session, the user, their roles and the session save; whether the
    # member sees public versions only and whether there are frozen versions come with the
    # assessment's row; one is the deployment's recommendations.
    assessment = answered_assessment(office, alice, categories=3, per_category=per_category)
    client = client_for(victor)
    url = reverse(f"reports:{name}", args=[assessment.pk])
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_draft_pdf_that_cannot_be_rendered_gives_a_503_page_and_caches_nothing(
    client_for, victor, assessment, settings
):
    settings.SAFEGUARDS_PDF_TIMEOUT = 0.001  # a real failure: the render pool gives up
    response = client_for(victor).get(reverse("reports:pdf", args=[assessment.pk]))
    assert response.status_code == 503
    assert b"could not be made just now" in response.content
    assert not list((settings.DATA_DIR / "cache" / "reports").glob("*.pdf"))
