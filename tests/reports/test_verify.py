"""Verification: the page and `manage.py verify_report` say matches, altered or unmatched."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from safeguards.reports.data import live_report
from safeguards.reports.freeze import freeze_report

from .builders import answered_assessment


@pytest.fixture
def version(office, alice, bob):
    assessment = answered_assessment(office, alice)
    with transaction.atomic():
        return freeze_report(assessment, approved_by=bob)


def tampered(version) -> bytes:
    data = json.loads(version.canonical_json)
    row = next(row for row in data["criteria"] if row["status"] == "not_met")
    row["status"] = "met"
    return json.dumps(data).encode()


def run(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_report", str(path))
    return exit_info.value.code


def upload(client, name, content):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("reports:verify_file"), {"file": file})


def test_command_exit_0_for_the_approved_pdf_and_json(version, tmp_path, capsys):
    assert run(tmp_path, "r.pdf", bytes(version.pdf)) == 0
    assert run(tmp_path, "r.json", version.canonical_json.encode()) == 0
    assert "matches approved version 1" in capsys.readouterr().out


def test_command_exit_1_for_a_tampered_json(version, tmp_path, capsys):
    assert run(tmp_path, "r.json", tampered(version)) == 1
    out = capsys.readouterr().out
    assert "Altered" in out and "fingerprint" in out and "Overall score" in out


def test_command_exit_2_for_an_intact_draft(office, alice, tmp_path, capsys):
    draft = live_report(answered_assessment(office, alice)).canonical_json()
    assert run(tmp_path, "draft.json", draft) == 2
    assert "matches no approved version" in capsys.readouterr().out


def test_command_exit_1_for_a_pdf_whose_bytes_changed(version, tmp_path):
    assert run(tmp_path, "r.pdf", bytes(version.pdf) + b"\n% appended\n") == 1


def test_page_recognises_the_approved_pdf(client_for, victor, version):
    response = upload(client_for(victor), "report.pdf", bytes(version.pdf))
    assert b"byte for byte the one that was approved" in response.content
    assert b"approved by bob" in response.content
    assert b"Border face search" in response.content


def test_page_says_a_tampered_json_is_altered(client_for, victor, version):
    response = upload(client_for(victor), "report.json", tampered(version))
    assert response.status_code == 200
    assert b"Altered" in response.content and b"verify-altered" in response.content


def test_page_matches_a_pasted_short_fingerprint(client_for, victor, version):
    response = client_for(victor).post(
        reverse("reports:verify_fingerprint"), {"fingerprint": version.fingerprint[:16].upper()}
    )
    assert b"matches approved version 1" in response.content


def test_other_office_learns_only_that_it_matches(client_for, mallory, version):
    response = client_for(mallory).post(
        reverse("reports:verify_fingerprint"), {"fingerprint": version.fingerprint}
    )
    assert b"matches approved version 1 of a report issued by" in response.content
    assert b"Border face search" not in response.content and b"bob" not in response.content


def test_unknown_fingerprint_matches_nothing(client_for, victor, db):
    response = client_for(victor).post(
        reverse("reports:verify_fingerprint"), {"fingerprint": "ab" * 32}
    )
    assert b"No approved report here has this fingerprint" in response.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.json", b"\x00\xffnot json", b"neither a report PDF nor a report"),
        ("list.json", b"[1, 2]", b"it is not an object"),
        ("other.json", b'{"schema": "something else"}', b"Not a valid report"),
        ("broken.pdf", b"%PDF-1.7\nnothing here", b"could not be read"),
        ("empty.pdf", b"", b"The submitted file is empty"),
    ],
)
def test_bad_files_get_a_clear_message(client_for, victor, db, name, content, message):
    response = upload(client_for(victor), name, content)
    assert response.status_code in (200, 400)
    assert message in response.content


def test_oversized_upload_is_refused(client_for, victor, db, monkeypatch):
    monkeypatch.setattr("safeguards.reports.forms.MAX_UPLOAD_BYTES", 10)
    response = upload(client_for(victor), "big.json", b"{" + b" " * 20 + b"}")
    assert response.status_code == 400
    assert b"is larger than" in response.content


def test_verify_page_shows_both_forms(client_for, victor, db):
    response = client_for(victor).get(reverse("reports:verify"))
    assert response.status_code == 200
    assert b'action="/reports/verify/fingerprint/"' in response.content
    assert b'enctype="multipart/form-data"' in response.content
