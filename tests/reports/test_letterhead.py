"""The office letterhead page: office admins only, content-checked logo, audited, printed."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from safeguards.accounts.models import Office
from safeguards.audit.models import Event
from safeguards.reports import pdf
from safeguards.reports.data import live_report

from .builders import answered_assessment

PNG = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "assessment-overview.png"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(office):
    return reverse("reports:office_letterhead", args=[office.slug])


def fields(**changes):
    return {
        "name": "Office of Inspector General",
        "address_line": "245 Murray Lane SW, Washington, DC 20528",
        "time_zone": "America/New_York",
        "paper_size": "a4",
        "attestation_text": "I approve this report as the office's finding.",
        **changes,
    }


def test_admin_saves_the_letterhead_and_it_is_audited(client_for, olga, office):
    logo = SimpleUploadedFile("seal.png", PNG.read_bytes(), content_type="image/png")
    response = client_for(olga).post(url(office), fields(logo=logo))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.address_line.startswith("245 Murray Lane")
    assert office.time_zone == "America/New_York" and office.paper_size == "a4"
    assert office.logo.read() == PNG.read_bytes()
    event = Event.objects.get(action="office.letterhead_changed")
    assert event.before["time_zone"] == "UTC"
    assert event.after["time_zone"] == "America/New_York"
    assert event.after["logo_sha256"] == pdf.canonical.sha256_hex(PNG.read_bytes())


def test_the_letterhead_is_printed_on_the_offices_reports(client_for, olga, alice, office):
    client_for(olga).post(url(office), fields())
    office.refresh_from_db()
    assessment = answered_assessment(office, alice)
    data = live_report(assessment).as_dict()
    assert data["office"]["address_line"].startswith("245 Murray Lane")
    raw = pdf.render_pdf(data, **pdf.letterhead(office))
    reader = PdfReader(io.BytesIO(raw))
    assert "245 Murray Lane SW" in reader.pages[0].extract_text()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # Sign-off times in the office's zone, to the minute.
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "EST" in text or "EDT" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "not a readable PNG or JPEG"),
        (b"\xff\xd8\xff" + b"x" * (3 * 1024 * 1024), "at most 2 MB"),
    ],
)
def test_a_logo_that_is_not_a_real_image_is_refused_by_the_field(
    client_for, olga, office, content, message
):
    logo = SimpleUploadedFile("seal.png", content, content_type="image/png")
    response = client_for(olga).post(url(office), fields(logo=logo))
    assert response.status_code == 200
    assert message in response.content.decode()
    office.refresh_from_db()
    assert not office.logo and not Event.objects.filter(action="office.letterhead_changed")


def test_removing_the_logo(client_for, olga, office):
    logo = SimpleUploadedFile("seal.png", PNG.read_bytes(), content_type="image/png")
    client = client_for(olga)
    client.post(url(office), fields(logo=logo))
    client.post(url(office), fields(remove_logo="on"))
    office.refresh_from_db()
    assert not office.logo


def test_a_missing_name_is_an_error_by_the_field(client_for, olga, office):
    response = client_for(olga).post(url(office), fields(name="  "))
    assert response.status_code == 200
    assert Office.objects.get(pk=office.pk).name == "Office of Inspector General"


def test_only_office_admins(client_for, alice, bob, victor, mallory, office):
    for user in (alice, bob, victor):
        assert client_for(user).get(url(office)).status_code == 403
    assert client_for(mallory).get(url(office)).status_code == 404
