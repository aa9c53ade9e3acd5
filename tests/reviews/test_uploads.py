"""File checks of uploaded evidence: the type comes from the content, never from the name."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguards.reviews import uploads
from safeguards.reviews.models import Evidence
from tests.factories import make_deployment

LIMIT = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def docx(extra: dict[str, bytes] | None = None, content_types: bytes = b"<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def check(data: bytes, name: str = "file.bin", limit: int = LIMIT) -> uploads.CheckedFile:
    return uploads.inspect(io.BytesIO(data), name, limit)


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        ("Plain text, café\r\n\tindented".encode(), "text/plain"),
        (docx(), uploads.DOCX),
    ],
)
def test_accepted_types_are_recognised_from_the_content(data, mime_type):
    assert check(data).mime_type == mime_type


def test_size_and_sha256_are_measured():
    checked = check(PDF)
    assert checked.size == len(PDF)
    import hashlib

    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"x" * (LIMIT + 1), "larger than the limit"),
        (b"MZ\x90\x00" + b"\x00" * 60, "Windows program"),
        (b"\x7fELF\x02\x01" + b"\x00" * 40, "program"),
        (b"GIF89a\x01\x00\x01\x00\x00\xff\x00", "could not be recognised"),
        (b"text with a NUL \x00 byte", "control characters"),
        (b"\xff\xfe\x00\x00garbage", "could not be recognised"),
        (
            PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (x) >>"),
            "JavaScript",
        ),
        (PDF.replace(b"/Catalog", b"/Catalog /AA << /O << /S /J#61vaScript >> >>"), "JavaScript"),
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"), "launch"),
        (PDF.replace(b"/Catalog", b"/Catalog /Names << /EmbeddedFiles 2 0 R >>"), "embedded"),
        (docx({"word/vbaProject.bin": b"macro"}), "macros"),
        (docx(content_types=b"<Types>macroEnabled.main+xml</Types>"), "macro-enabled"),
        (docx({"word/media/huge.xml": b"\x00" * (10 * LIMIT)}), "decompression bomb"),
        (b"PK\x03\x04 not really a zip", "not a readable Word document"),
    ],
)
def test_refused_files_say_why(data, message):
    with pytest.raises(uploads.UploadRefused, match=message):
        check(data)


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    hidden = zlib.compress(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    data = PDF + b"2 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + hidden
    data += b"\nendstream\nendobj\n"
    with pytest.raises(uploads.UploadRefused, match="JavaScript"):
        check(data)


def test_the_name_js_inside_a_longer_name_is_not_mistaken_for_javascript():
    assert check(PDF.replace(b"/Catalog", b"/Catalog /JSON (x)")).mime_type == "application/pdf"


def test_a_docx_bomb_by_total_size_is_refused():
    parts = {f"word/part{n}.xml": b"a" * (LIMIT * 3) for n in range(4)}
    with pytest.raises(uploads.UploadRefused, match="decompression bomb"):
        check(docx(parts), limit=LIMIT)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("evil\x00name\r\n.pdf", "evilname.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  ..  ", "upload"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_for_display(name, expected):
    assert uploads.clean_filename(name) == expected


@pytest.mark.parametrize(
    ("display", "mime_type", "expected"),
    [
        ("report.pdf", "application/pdf", "report.pdf"),
        ("report.exe", "application/pdf", "report.pdf"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("notes", "text/plain", "notes.txt"),
    ],
)
def test_download_name_carries_the_verified_extension(display, mime_type, expected):
    assert uploads.download_name(display, mime_type) == expected


# --- through the evidence form: a clear error and nothing written ---------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_BYTES = LIMIT
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def post_upload(client, deployment, name, data):
    return client.post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {"title": "Contract notice", "kind": "file", "upload": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * LIMIT, "larger than the limit"),
        ("empty.pdf", b"", "The submitted file is empty."),
        ("renamed.pdf", b"GIF89a\x01\x00\x01\x00\x00\xff\x00", "could not be recognised"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60, "Windows program"),
        ("script.pdf", PDF.replace(b"/Catalog", b"/Catalog /JS (x)"), "JavaScript"),
        ("bomb.docx", docx({"word/media/huge.xml": b"\x00" * (10 * LIMIT)}), "decompression"),
    ],
)
def test_refused_upload_shows_an_error_and_writes_nothing(
    client_for, alice, office, media, name, data, message
):
    deployment = make_deployment(office)
    response = post_upload(client_for(alice), deployment, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_accepted_upload_is_stored_under_a_random_name(client_for, alice, office, media):
    deployment = make_deployment(office)
    response = post_upload(client_for(alice), deployment, "../../Contract\x07 notice.pdf", PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file_name == "Contract notice.pdf"
    assert evidence.file_type == "application/pdf"
    assert evidence.file_size == len(PDF)
    files = stored_files(media)
    assert len(files) == 1
    assert "Contract" not in files[0].name
    assert files[0].suffix == ".pdf"
    assert files[0].read_bytes() == PDF
    assert files[0].is_relative_to(media)


def test_executable_renamed_to_pdf_keeps_no_trace(client_for, alice, office, media):
    deployment = make_deployment(office)
    post_upload(client_for(alice), deployment, "invoice.pdf", b"MZ" + b"\x00" * 100)
    assert stored_files(media) == []
    assert not Evidence.objects.exists()
