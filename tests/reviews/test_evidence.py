"""Evidence pages: the permission ladder, adding and linking, detail, list and download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reviews.models import Answer, Evidence
from tests.factories import make_assessment, make_deployment, make_framework

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def evidence(deployment, alice):
    return Evidence.objects.create(
        office=deployment.office,
        deployment=deployment,
        title="Contract notice",
        kind="document",
        citation="Section C.3",
        added_by=alice,
    )


@pytest.fixture
def file_evidence(client_for, alice, deployment, media):
    client_for(alice).post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {
            "title": "Notice PDF",
            "kind": "file",
            "upload": SimpleUploadedFile('notice "final"\r\n.pdf', PDF),
        },
    )
    return Evidence.objects.get(title="Notice PDF")


@pytest.fixture
def draft(deployment, alice):
    return make_assessment(deployment, make_framework(), alice)


def create_url(deployment, **query):
    url = reverse("reviews:evidence_create", args=[deployment.pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def test_anonymous_is_sent_to_login_everywhere(client, deployment, evidence):
    for url in (
        reverse("reviews:evidence_list", args=[deployment.pk]),
        reverse("reviews:evidence_create", args=[deployment.pk]),
        reverse("reviews:evidence", args=[evidence.pk]),
        reverse("reviews:evidence_download", args=[evidence.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_outsider_gets_404_everywhere(client_for, mallory, deployment, file_evidence):
    client = client_for(mallory)
    for url in (
        reverse("reviews:evidence_list", args=[deployment.pk]),
        reverse("reviews:evidence_create", args=[deployment.pk]),
        reverse("reviews:evidence", args=[file_evidence.pk]),
        reverse("reviews:evidence_download", args=[file_evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_outsider_cannot_add_evidence(client_for, mallory, deployment):
    response = client_for(mallory).post(
        create_url(deployment), {"title": "Planted", "kind": "document"}
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_viewer_reads_evidence_but_cannot_add(client_for, victor, deployment, evidence):
    client = client_for(victor)
    listing = client.get(reverse("reviews:evidence_list", args=[deployment.pk]))
    assert listing.status_code == 200
    assert "Contract notice" in listing.content.decode()
    assert create_url(deployment) not in listing.content.decode()
    assert client.get(reverse("reviews:evidence", args=[evidence.pk])).status_code == 200
    assert client.get(create_url(deployment)).status_code == 403
    response = client.post(create_url(deployment), {"title": "X", "kind": "document"})
    assert response.status_code == 403
    assert Evidence.objects.count() == 1


def test_reviewer_adds_evidence_with_an_audit_event(client_for, alice, deployment):
    response = client_for(alice).post(
        create_url(deployment),
        {
            "title": "Wired report",
            "kind": "web_page",
            "url": "https://www.wired.com/story/example/",
            "citation": "Paragraph 4",
            "excerpt": "The contract does not say…",
            "retrieved_on": "2026-02-12",
        },
    )
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == evidence.get_absolute_url()
    assert evidence.office_id == deployment.office_id
    assert evidence.added_by == alice
    event = Event.objects.get(action="evidence.added")
    assert event.after["title"] == "Wired report"
    assert event.after["sha256"] == ""


def test_source_url_must_be_a_web_address(client_for, alice, deployment):
    response = client_for(alice).post(
        create_url(deployment),
        {"title": "Bad", "kind": "web_page", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "Enter a" in response.content.decode()
    assert not Evidence.objects.exists()


def test_file_evidence_records_hash_size_and_type(file_evidence):
    import hashlib

    assert file_evidence.file_sha256 == hashlib.sha256(PDF).hexdigest()
    event = Event.objects.get(action="evidence.added")
    assert event.after["sha256"] == file_evidence.file_sha256
    assert event.after["size"] == len(PDF)
    assert event.after["type"] == "application/pdf"


def test_download_is_an_attachment_with_safe_headers(client_for, victor, file_evidence):
    response = client_for(victor).get(reverse("reviews:evidence_download", args=[file_evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\r" not in response["Content-Disposition"]
    assert "\n" not in response["Content-Disposition"]
    assert 'filename="notice' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_download_of_evidence_without_a_file_is_404(client_for, alice, evidence):
    response = client_for(alice).get(reverse("reviews:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


def test_detail_shows_the_answers_it_supports(client_for, alice, evidence, draft):
    answer = draft.answers.select_related("criterion").first()
    answer.evidence.add(evidence)
    response = client_for(alice).get(reverse("reviews:evidence", args=[evidence.pk]))
    assert answer.criterion.code in response.content.decode()
    assert draft.title in response.content.decode()


def test_adding_from_a_criterion_links_the_answer_and_bumps_its_version(
    client_for, alice, deployment, draft
):
    answer = Answer.objects.get(assessment=draft, criterion__code="C1-2")
    next_url = f"/assessments/{draft.pk}/categories/C1/"
    response = client_for(alice).post(
        create_url(deployment, assessment=draft.pk, criterion="C1-2", next=next_url),
        {"title": "Linked source", "kind": "document"},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url
    evidence = Evidence.objects.get()
    answer.refresh_from_db()
    assert list(answer.evidence.all()) == [evidence]
    assert answer.version == 2
    event = Event.objects.get(action="evidence.linked")
    assert event.assessment_id == draft.pk


def test_unsafe_next_is_ignored(client_for, alice, deployment):
    response = client_for(alice).post(
        create_url(deployment, next="https://evil.example/phish"),
        {"title": "Source", "kind": "document"},
    )
    assert response["Location"] == Evidence.objects.get().get_absolute_url()


def test_no_link_to_an_assessment_that_is_not_a_draft(client_for, alice, deployment, draft):
    draft.status = "in_review"
    draft.save()
    client = client_for(alice)
    url = create_url(deployment, assessment=draft.pk, criterion="C1-2")
    assert "not a draft" in client.get(url).content.decode()
    client.post(url, {"title": "Source", "kind": "document"})
    assert Evidence.objects.count() == 1
    assert not Answer.evidence.through.objects.exists()
    assert not Event.objects.filter(action="evidence.linked").exists()


def test_no_link_to_an_assessment_of_another_deployment(client_for, alice, office, draft):
    other = make_deployment(office, name="Other deployment")
    client_for(alice).post(
        create_url(other, assessment=draft.pk, criterion="C1-2"),
        {"title": "Source", "kind": "document"},
    )
    assert not Answer.evidence.through.objects.exists()


def test_link_to_an_assessment_of_another_office_is_404(client_for, mallory, other_office, draft):
    theirs = make_deployment(other_office, name="Theirs")
    response = client_for(mallory).post(
        create_url(theirs, assessment=draft.pk, criterion="C1-2"),
        {"title": "Source", "kind": "document"},
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_list_is_paginated(client_for, alice, office, deployment):
    Evidence.objects.bulk_create(
        Evidence(
            office=deployment.office, deployment=deployment, title=f"E{n:02d}", kind="document"
        )
        for n in range(30)
    )
    response = client_for(alice).get(reverse("reviews:evidence_list", args=[deployment.pk]))
    assert len(response.context["page"].object_list) == 25
