"""Corrections: evidence edited or its file replaced (old kept), evidence retired,
deployments and assessments archived and restored — each with its audit event."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reports.models import ReportVersion
from safeguards.reviews import corrections
from safeguards.reviews.models import Evidence, EvidenceFile
from tests.factories import make_assessment, make_deployment, make_framework
from tests.reports.builders import answered_assessment

from .test_evidence import PDF, media  # noqa: F401 (fixture)

SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def file_evidence(client_for, alice, deployment, media):  # noqa: F811
    client_for(alice).post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {"title": "Notice", "kind": "file", "upload": SimpleUploadedFile("notice.pdf", PDF)},
    )
    return Evidence.objects.get(title="Notice")


def edit_url(evidence):
    return reverse("reviews:evidence_edit", args=[evidence.pk])


def fields_of(evidence, **changes):
    data = {
        "title": evidence.title,
        "kind": evidence.kind,
        "url": evidence.url,
        "citation": evidence.citation,
        "excerpt": evidence.excerpt,
        "retrieved_on": evidence.retrieved_on.isoformat() if evidence.retrieved_on else "",
    }
    return data | changes


def test_editing_evidence_records_before_and_after_of_what_changed(
    client_for, alice, file_evidence
):
    response = client_for(alice).post(
        edit_url(file_evidence),
        fields_of(file_evidence, citation="Section C.4", retrieved_on="2026-10-01"),
    )
    assert response.status_code == 302
    file_evidence.refresh_from_db()
    assert file_evidence.citation == "Section C.4"
    event = Event.objects.get(action="evidence.edited")
    assert event.before == {"citation": "", "retrieved_on": None}
    assert event.after == {"citation": "Section C.4", "retrieved_on": "2026-10-01"}
    assert event.target_id == str(file_evidence.pk)


def test_an_edit_that_changes_nothing_writes_no_event(client_for, alice, file_evidence):
    client_for(alice).post(edit_url(file_evidence), fields_of(file_evidence))
    assert not Event.objects.filter(action="evidence.edited").exists()


def test_a_bad_edit_is_refused_by_the_field(client_for, alice, file_evidence):
    response = client_for(alice).post(edit_url(file_evidence), fields_of(file_evidence, title=""))
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert not Event.objects.filter(action="evidence.edited").exists()


def test_replacing_the_file_keeps_the_old_one(client_for, alice, file_evidence):
    old_sha, old_name = file_evidence.file_sha256, file_evidence.file.name
    new_pdf = PDF.replace(b"1.7", b"1.6")
    client = client_for(alice)
    data = fields_of(file_evidence) | {"upload": SimpleUploadedFile("notice-v2.pdf", new_pdf)}
    assert client.post(edit_url(file_evidence), data).status_code == 302
    file_evidence.refresh_from_db()
    assert file_evidence.file_name == "notice-v2.pdf" and file_evidence.file_sha256 != old_sha
    earlier = EvidenceFile.objects.get(evidence=file_evidence)
    assert (earlier.file.name, earlier.file_sha256) == (old_name, old_sha)
    event = Event.objects.get(action="evidence.edited")
    assert event.before["file"]["sha256"] == old_sha
    assert event.after["file"]["sha256"] == file_evidence.file_sha256
    old = client.get(reverse("reviews:evidence_earlier_file", args=[earlier.pk]))
    assert b"".join(old.streaming_content) == PDF
    page = client.get(file_evidence.get_absolute_url()).content.decode()
    assert old_sha in page and "Earlier files" in page


def test_retired_evidence_keeps_its_reason_and_cannot_be_edited(client_for, alice, file_evidence):
    client = client_for(alice)
    url = reverse("reviews:evidence_retire", args=[file_evidence.pk])
    assert client.post(url, {"reason": "no"}).status_code == 400  # too short, by the field
    assert client.post(url, {"reason": "Superseded by the signed contract."}).status_code == 302
    file_evidence.refresh_from_db()
    assert file_evidence.retired_reason == "Superseded by the signed contract."
    event = Event.objects.get(action="evidence.retired")
    assert event.before == {"retired": False}
    assert event.after == {"retired": True, "reason": "Superseded by the signed contract."}
    client.post(edit_url(file_evidence), fields_of(file_evidence, title="Changed"))
    file_evidence.refresh_from_db()
    assert file_evidence.title == "Notice"
    page = client.get(file_evidence.get_absolute_url()).content.decode()
    assert "Retired" in page and "Superseded by the signed contract." in page


def test_a_viewer_cannot_edit_or_retire(client_for, victor, file_evidence):
    client = client_for(victor)
    assert client.post(edit_url(file_evidence), fields_of(file_evidence)).status_code == 403
    retire = reverse("reviews:evidence_retire", args=[file_evidence.pk])
    assert client.post(retire, {"reason": "Not needed."}).status_code == 403


def test_fake_pdf_downloads_under_its_real_type(client_for, alice, deployment, media):  # noqa: F811
    client = client_for(alice)
    client.post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {"title": "Fake", "kind": "file", "upload": SimpleUploadedFile("fake.pdf", SCRIPT)},
    )
    evidence = Evidence.objects.get(title="Fake")
    assert evidence.file_type == "text/plain"
    response = client.get(reverse("reviews:evidence_download", args=[evidence.pk]))
    assert 'filename="fake.txt"' in response["Content-Disposition"]
    page = client.get(evidence.get_absolute_url()).content.decode()
    assert "Download fake.txt" in page and "plain text" in page and "uploaded as fake.pdf" in page


def test_editing_evidence_never_changes_an_approved_report(office, alice, bob):
    from safeguards.reviews import workflow

    assessment = answered_assessment(office, alice)
    workflow.approve(assessment, by=bob)
    version = ReportVersion.objects.get(assessment=assessment)
    frozen = (version.canonical_json, bytes(version.pdf))
    evidence = Evidence.objects.filter(deployment=assessment.deployment).first()
    assert evidence is not None
    cited = evidence.title
    corrections.edit_evidence(evidence, alice, {"title": "Renamed after approval"})
    version.refresh_from_db()
    assert (version.canonical_json, bytes(version.pdf)) == frozen
    criteria = json.loads(version.canonical_json)["criteria"]
    titles = {item["title"] for criterion in criteria for item in criterion["evidence"]}
    assert cited in titles and "Renamed after approval" not in titles


def test_archiving_hides_a_deployment_from_lists_but_not_its_page(client_for, alice, deployment):
    client = client_for(alice)
    url = reverse("reviews:deployment_archive", args=[deployment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Created twice by a double click."}).status_code == 302
    event = Event.objects.get(action="deployment.archived")
    assert event.after == {"archived": True, "reason": "Created twice by a double click."}
    listing = client.get(reverse("reviews:deployment_list")).content.decode()
    assert deployment.name not in listing
    archived = client.get(reverse("reviews:deployment_list") + "?archived=1").content.decode()
    assert deployment.name in archived
    page = client.get(deployment.get_absolute_url()).content.decode()
    assert "Archived" in page and "Created twice by a double click." in page

    restore = reverse("reviews:deployment_restore", args=[deployment.pk])
    assert client.post(restore).status_code == 302
    event = Event.objects.get(action="deployment.restored")
    assert event.before == {"archived": True, "reason": "Created twice by a double click."}
    assert deployment.name in client.get(reverse("reviews:deployment_list")).content.decode()


def test_archived_assessment_is_hidden_from_lists_and_stays_verifiable(office, alice, bob, client):
    from safeguards.reviews import workflow

    assessment = answered_assessment(office, alice)
    workflow.approve(assessment, by=bob)
    corrections.archive(assessment, alice, "Superseded by the 2027 assessment.")
    event = Event.objects.get(action="assessment.archived")
    assert event.assessment_id == assessment.pk
    client.force_login(alice)
    assert assessment.title not in client.get(reverse("reviews:assessment_list")).content.decode()
    assert assessment.title not in client.get(reverse("home")).content.decode()
    assert client.get(assessment.get_absolute_url()).status_code == 200
    fingerprint = ReportVersion.objects.get(assessment=assessment).fingerprint
    client.logout()
    check = client.post(reverse("reports:verify_fingerprint"), {"fingerprint": fingerprint})
    assert b"matches approved version 1" in check.content


def test_archive_needs_a_reason_and_happens_once(alice, deployment):
    with pytest.raises(corrections.CorrectionError, match="reason"):
        corrections.archive(deployment, alice, "  ")
    corrections.archive(deployment, alice, "Duplicate record.")
    with pytest.raises(corrections.CorrectionError, match="already archived"):
        corrections.archive(deployment, alice, "Duplicate record.")
    assert Event.objects.filter(action="deployment.archived").count() == 1


def test_restoring_what_is_not_archived_is_refused(alice, deployment):
    draft = make_assessment(deployment, make_framework(), alice)
    with pytest.raises(corrections.CorrectionError, match="not archived"):
        corrections.restore(draft, alice)
    assert not Event.objects.filter(action="assessment.restored").exists()
