"""Hostile uploads beyond tests/reviews/test_uploads.py: files that are web pages in disguise,
names that try to inject headers, files large enough to go to disk, and the two other places
that take a file — the verification page and the import form."""

import io
import json
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import NameObject, NumberObject

from safeguards.reviews.models import Evidence

from .conftest import PDF, db_state, stored_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def as_alice(client_for, alice):
    return client_for(alice)


def add_evidence(client, deployment, name: str, data: bytes):
    return client.post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {"title": "Upload", "kind": "file", "upload": SimpleUploadedFile(name, data)},
    )


def download(client, evidence):
    response = client.get(reverse("reviews:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def assert_never_inline(response):
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<!doctype html><script>alert(document.cookie)</script>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("notes.txt", b"<html><body onload=alert(1)>"),
    ],
)
def test_web_pages_are_kept_as_plain_text_and_only_downloaded(
    as_alice, deployment, media, name, data
):
    assert add_evidence(as_alice, deployment, name, data).status_code == 302
    evidence = Evidence.objects.get(title="Upload")
    assert evidence.file_type == "text/plain"
    response, content = download(as_alice, evidence)
    assert content == data
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].endswith('.txt"')
    assert_never_inline(response)


def test_a_png_with_a_script_after_its_header_is_only_downloaded(as_alice, deployment, media):
    data = PNG + b"<script>alert(1)</script>"
    assert add_evidence(as_alice, deployment, "photo.html", data).status_code == 302
    evidence = Evidence.objects.get(title="Upload")
    response, _ = download(as_alice, evidence)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].endswith('.png"')
    assert_never_inline(response)


@pytest.mark.parametrize(
    "name",
    [
        'report"; filename="evil.exe.pdf',
        "report\r\nSet-Cookie: sessionid=stolen\r\n.pdf",
        "..\\..\\..\\windows\\system32\\report.pdf",
        "/etc/cron.d/report.pdf",
        "\x00\x1b[2J\u202ereport.pdf",
        "CON.pdf",
    ],
)
def test_hostile_file_names_are_stored_under_our_name_and_cannot_inject_headers(
    as_alice, deployment, media, name
):
    assert add_evidence(as_alice, deployment, name, PDF).status_code == 302
    evidence = Evidence.objects.get(title="Upload")
    [stored] = stored_files(media)
    assert stored.is_relative_to(media / "evidence")
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"  # a random hex name of ours
    assert not any(ch in evidence.file_name for ch in "/\\\x00\r\n\x1b\u202e")
    response, content = download(as_alice, evidence)
    assert content == PDF
    assert "Set-Cookie" not in response or "stolen" not in response["Set-Cookie"]
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count("filename=") == 1
    assert_never_inline(response)


@pytest.fixture
def disk_uploads(settings, tmp_path):
    """Uploads over 1 KB are written to a temporary folder, as big ones are in production."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    settings.EVIDENCE_MAX_BYTES = 8 * 1024
    return tmp_path / "upload-tmp"


def test_a_file_streamed_to_disk_is_checked_and_stored(as_alice, deployment, media, disk_uploads):
    data = PDF + b"%" + b"0" * 4000 + b"\n"
    assert add_evidence(as_alice, deployment, "big.pdf", data).status_code == 302
    [stored] = stored_files(media)
    assert stored.read_bytes() == data
    assert list(disk_uploads.iterdir()) == []


def test_an_oversize_file_streamed_to_disk_is_refused_and_leaves_nothing(
    as_alice, deployment, media, disk_uploads
):
    before = db_state()
    response = add_evidence(as_alice, deployment, "huge.pdf", PDF + b"0" * 20_000)
    assert response.status_code == 200
    assert "larger than the limit" in response.content.decode()
    assert db_state() == before
    assert stored_files(media) == []
    assert list(disk_uploads.iterdir()) == []


# --- the verification page ------------------------------------------------------------------


def verify_upload(client, name: str, data: bytes):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("reports:verify_file"), {"file": file})


def deflated_spaces(megabytes: int) -> bytes:
    """`megabytes` MB of spaces, deflated (about 1 KB per MB), made without holding them."""
    packer, chunk = zlib.compressobj(9), b" " * (1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


def pdf_with_report_bomb(megabytes: int) -> bytes:
    """A readable PDF whose attached report.json inflates to `megabytes` MB."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment("report.json", b"{}")
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    stream = names[1].get_object()["/EF"]["/F"].get_object()
    stream._data = deflated_spaces(megabytes)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(stream._data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_open_action(JavaScript("app.alert('opened');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("script.pdf", pdf_with_javascript(), "matches no approved report"),
        ("renamed.pdf", b"MZ\x90\x00" + b"\x00" * 60, "neither a report PDF nor a report"),
        ("bogus.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "could not be read"),
        ("report.json", b'{"schema": "safeguards.gap-report/1", "criteria": 5}', "Not a valid"),
        ("deep.json", b"[" * 50_000 + b"]" * 50_000, "neither a report PDF nor a report"),
    ],
)
def test_verification_reads_hostile_files_without_keeping_them(
    as_alice, approved, media, name, data, message
):
    before = db_state()
    response = verify_upload(as_alice, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_state() == before
    assert stored_files(media) == []


def test_verification_refuses_a_json_over_the_report_size_limit(as_alice, db):
    huge = b'{"criteria": [' + b"1," * (6 * 1024 * 1024) + b"1]}"
    started = time.monotonic()
    response = verify_upload(as_alice, "huge.json", huge)
    assert response.status_code == 200
    assert "larger than any report" in response.content.decode()
    assert time.monotonic() - started < 10


def test_verification_of_a_large_json_under_the_limit_is_quick(as_alice, db):
    large = json.dumps({"schema": "safeguards.gap-report/1", "criteria": [{}] * 1_000_000})
    started = time.monotonic()
    response = verify_upload(as_alice, "large.json", large.encode())
    assert response.status_code == 200
    assert "Not a valid report" in response.content.decode()
    assert time.monotonic() - started < 20


def test_verification_refuses_a_pdf_whose_report_json_is_a_decompression_bomb(as_alice, db):
    bomb = pdf_with_report_bomb(100)
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    response = verify_upload(as_alice, "bomb.pdf", bomb)
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be read" in page or "larger than any report" in page
    assert time.monotonic() - started < 20


# --- the import form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.json", b"", "The submitted file is empty."),
        ("setup.json", b"MZ\x90\x00\xff\xfe" + b"\x00" * 60, "not UTF-8"),
        ("report.json", PDF, "line 1, column 1"),
        ("../../etc/passwd\x00.json", b"{}", "schema: missing"),
        ("bomb.json", b"[" * 100_000, "nested more than"),
    ],
)
def test_import_refuses_files_that_are_not_import_documents(
    as_alice, framework, media, name, data, message
):
    before = db_state()
    response = as_alice.post(
        reverse("reviews:import_assessment"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert db_state() == before
    assert stored_files(media) == []
