"""PAdES signatures on approved PDFs, checked with pyHanko's own validator: valid with the
office's trust anchor, unknown signer without it, invalid after any change; timestamps from a
real time-stamping server run by the test."""

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from safeguards.audit.models import Event
from safeguards.reports import pdf, signing
from safeguards.reports.check import embedded_json
from safeguards.reports.freeze import freeze_report
from safeguards.reports.verify import ALTERED, MATCHES, verify_file
from safeguards.signing.keys import generate_certificate, load_private_key
from tests.signing.tsa import time_stamping_server

from .builders import answered_assessment
from .samples import sample_report


def make_certificate(name="Office of Inspector General report signing"):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def rendered():
    """One approved report PDF, rendered once (no database needed)."""
    return pdf.render_pdf(
        sample_report(categories=2, per_category=3, version=1).as_dict(), archival=True
    )


@pytest.fixture(scope="module")
def office_key():
    return make_certificate()


@pytest.fixture(scope="module")
def signed(rendered, office_key):
    key, pem = office_key
    return signing.sign_pdf(
        rendered, certificate_pem=pem, private_key=key, signer_name="OIG", reason="Approved"
    )


def pyhanko_status(pdf_bytes, trust_pems):
    """pyHanko's validator, called directly (not through the app's wrapper)."""
    roots = [
        asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
        )
        for pem in trust_pems
    ]
    reader = PdfFileReader(io.BytesIO(pdf_bytes))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_pyhanko_validates_the_signature_against_the_trust_anchor(signed, office_key):
    status = pyhanko_status(signed, [office_key[1]])
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.modification_level.name == "NONE"


def test_without_the_trust_anchor_pyhanko_does_not_trust_the_signer(signed):
    status = pyhanko_status(signed, [])
    assert status.intact and status.valid and not status.trusted
    assert signing.inspect_pdf(signed, []).state == signing.UNKNOWN_SIGNER


def test_a_look_alike_self_signed_certificate_is_an_unknown_signer(rendered, office_key):
    key, pem = make_certificate()  # same name, someone else's key
    forged = signing.sign_pdf(
        rendered, certificate_pem=pem, private_key=key, signer_name="OIG", reason="Approved"
    )
    report = signing.inspect_pdf(forged, [office_key[1]])
    assert report.state == signing.UNKNOWN_SIGNER


def test_inspect_reports_a_valid_b_b_signature(signed, office_key):
    report = signing.inspect_pdf(signed, [office_key[1]])
    assert report.state == signing.VALID and report.level == "B-B"
    assert "Office of Inspector General report signing" in report.signer
    assert report.timestamps == ()


@pytest.mark.parametrize("marker", [b"/AcroForm", b"/FT /Sig"])
def test_a_changed_byte_on_the_way_to_the_signature_is_invalid_not_unsigned(
    signed, office_key, marker
):
    # The catalog's form or the field that leads to the signature: the reader no longer finds
    # it, but the file still holds one; "unsigned" would invite the reader to trust the text.
    changed = bytearray(signed)
    changed[signed.rindex(marker) + 2] += 1
    report = signing.inspect_pdf(bytes(changed), [office_key[1]])
    assert report.state == signing.INVALID
    assert "cannot be read" in report.problem


@pytest.mark.parametrize("where", [0.02, 0.3, 0.5, 0.9, 0.999])
def test_a_one_byte_change_anywhere_is_invalid(signed, office_key, where):
    changed = bytearray(signed)
    position = int(len(signed) * where)
    changed[position] = (changed[position] + 1) % 256
    report = signing.inspect_pdf(bytes(changed), [office_key[1]])
    assert report.state == signing.INVALID, position


def test_bytes_appended_after_the_signature_are_invalid(signed, office_key):
    report = signing.inspect_pdf(signed + b"\n% appended\n", [office_key[1]])
    assert report.state == signing.INVALID


def test_an_incremental_update_adding_a_page_is_reported_as_modified(signed, office_key):
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed)  # the signed revision is untouched
    status = pyhanko_status(updated, [office_key[1]])
    assert status.modification_level.name not in ("NONE", "LTA_UPDATES")
    report = signing.inspect_pdf(updated, [office_key[1]])
    assert report.state == signing.INVALID and "changed after it was signed" in report.problem


def test_the_visible_signature_sits_under_the_label_on_the_sign_off_page(signed):
    reader = PdfReader(io.BytesIO(signed))
    pages = [
        (number, annot.get_object())
        for number, page in enumerate(reader.pages)
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/FT") == "/Sig"
    ]
    assert len(pages) == 1
    number, widget = pages[0]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 200 and y2 - y1 > 40  # visible, not a zero-size field
    assert signing.SIGNATURE_LABEL in reader.pages[number].extract_text()
    assert "/AP" in widget


def test_signing_keeps_the_embedded_report(rendered, signed):
    assert embedded_json(signed) == embedded_json(rendered)


def test_signature_timestamp_from_a_time_stamping_server(rendered, office_key):
    key, pem = office_key
    with time_stamping_server() as (url, tsa_pem, served):
        stamped = signing.sign_pdf(
            rendered,
            certificate_pem=pem,
            private_key=key,
            signer_name="OIG",
            reason="x",
            tsa_url=url,
        )
    assert served  # the server was asked over HTTP
    report = signing.inspect_pdf(stamped, [pem], [tsa_pem])
    assert report.state == signing.VALID and report.level == "B-T"
    (stamp,) = report.timestamps
    assert stamp.intact and stamp.trusted and stamp.kind == "signature"
    assert "Test Time-Stamping Authority" in stamp.authority
    assert abs(stamp.at - datetime.now(UTC)) < timedelta(minutes=5)
    # Without trusting the authority the token is intact but not vouched for.
    assert not signing.inspect_pdf(stamped, [pem]).timestamps[0].trusted


def test_an_unreachable_time_stamping_server_fails_the_signing(rendered, office_key):
    key, pem = office_key
    with pytest.raises(signing.SignatureFailed):
        signing.sign_pdf(
            rendered,
            certificate_pem=pem,
            private_key=key,
            signer_name="OIG",
            reason="x",
            tsa_url="http://127.0.0.1:9/unreachable",
        )


# --- through approval, the verify page and the commands -------------------------------------


def freeze(assessment, user):
    with transaction.atomic():
        return freeze_report(assessment, approved_by=user)


def run_verify(tmp_path, content, capsys):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_report", str(path))
    return exit_info.value.code, capsys.readouterr().out


def test_approval_signs_the_frozen_pdf_with_the_office_certificate(office, alice, bob):
    version = freeze(answered_assessment(office, alice), bob)
    certificate = office.signing_certificates.get(active=True)
    report = signing.inspect_pdf(bytes(version.pdf), [certificate.certificate_pem])
    assert report.state == signing.VALID and report.signer_sha256 == certificate.sha256
    event = Event.objects.get(action="report.frozen")
    assert event.after["signature"] == {"certificate_sha256": certificate.sha256, "level": "B-B"}


def test_verify_report_prints_each_property_on_its_own_line(office, alice, bob, tmp_path, capsys):
    version = freeze(answered_assessment(office, alice), bob)
    status, out = run_verify(tmp_path, bytes(version.pdf), capsys)
    assert status == 0
    lines = out.splitlines()
    for name in (
        "Fingerprint: valid",
        "Audit-chain anchor: valid",
        "Signature: valid",
        "Signer: valid",
        "Timestamp: none",
    ):
        assert any(line.startswith(name) for line in lines), name


def test_verify_report_exits_1_for_a_one_byte_change(office, alice, bob, tmp_path, capsys):
    version = freeze(answered_assessment(office, alice), bob)
    changed = bytearray(version.pdf)
    changed[len(changed) // 3] ^= 0x01
    status, out = run_verify(tmp_path, bytes(changed), capsys)
    assert status == 1 and "Signature: invalid" in out


def test_verify_report_exits_2_for_unusable_input(db, tmp_path, capsys):
    status, _ = run_verify(tmp_path, b"%PDF-1.7 nothing", capsys)
    assert status == 2


def test_a_report_re_signed_by_another_office_is_an_unknown_signer(
    office, other_office, alice, bob, tmp_path, capsys
):
    version = freeze(answered_assessment(office, alice), bob)
    unsigned = pdf.render_pdf(json.loads(version.canonical_json), archival=True)
    theirs = generate_certificate(other_office)
    forged = signing.sign_pdf(
        unsigned,
        certificate_pem=theirs.certificate_pem,
        private_key=load_private_key(theirs),
        signer_name=other_office.name,
        reason="Approved",
    )
    outcome = verify_file(forged)
    assert outcome.kind == ALTERED
    assert {p.name: p.state for p in outcome.properties}["Signer"] == "unknown"
    status, out = run_verify(tmp_path, forged, capsys)
    assert status == 1 and "Signature: unknown" in out


def test_verify_page_lists_the_properties(client_for, victor, office, alice, bob):
    version = freeze(answered_assessment(office, alice), bob)
    upload = SimpleUploadedFile("report.pdf", bytes(version.pdf))
    response = client_for(victor).post(reverse("reports:verify_file"), {"file": upload})
    page = response.content.decode()
    for name in ("Fingerprint", "Audit-chain anchor", "Signature", "Signer", "Timestamp"):
        assert f'<th scope="row">{name}</th>' in page
    assert "property-valid" in page and "PAdES B-B" in page


def test_approval_with_a_tsa_is_b_t_and_verifies_with_a_trusted_timestamp(
    office, alice, bob, settings, tmp_path, capsys
):
    with time_stamping_server() as (url, tsa_pem, served):
        settings.SAFEGUARDS_TSA_URL = url
        version = freeze(answered_assessment(office, alice), bob)
    (tmp_path / "tsa.pem").write_text(tsa_pem)
    settings.SAFEGUARDS_TSA_CERTS = str(tmp_path / "tsa.pem")
    status, out = run_verify(tmp_path, bytes(version.pdf), capsys)
    assert status == 0
    assert "PAdES B-T" in out and "Timestamp: valid" in out
    assert "Test Time-Stamping Authority" in out


def test_add_timestamp_later_keeps_old_and_new_copies_verifiable(office, alice, bob):
    version = freeze(answered_assessment(office, alice), bob)
    before = bytes(version.pdf)
    with time_stamping_server() as (url, _, served):
        first, second = io.StringIO(), io.StringIO()
        call_command("add_timestamp", "--tsa-url", url, stdout=first)
        asked = len(served)
        call_command("add_timestamp", "--tsa-url", url, stdout=second)  # nothing left to do
    assert "Timestamped 1 report version(s)" in first.getvalue()
    assert "Timestamped 0 report version(s)" in second.getvalue() and len(served) == asked
    version.refresh_from_db()
    after = bytes(version.pdf)
    assert after.startswith(before) and after != before
    report = signing.inspect_pdf(after, [office.signing_certificates.get().certificate_pem])
    assert report.state == signing.VALID and report.level == "B-LTA"
    assert verify_file(after).kind == MATCHES
    assert verify_file(before).kind == MATCHES  # copies handed out before still verify
    event = Event.objects.get(action="report.timestamped")
    assert event.after["pdf_sha256"] == version.pdf_sha256


def test_signing_and_checking_work_inside_a_running_event_loop(rendered, office_key):
    # pyHanko's synchronous calls start an asyncio loop of their own; under an ASGI server
    # or a browser-test driver one is already running in the thread.
    key, pem = office_key

    async def inside():
        signed = signing.sign_pdf(
            rendered, certificate_pem=pem, private_key=key, signer_name="OIG", reason="x"
        )
        return signing.inspect_pdf(signed, [pem])

    assert asyncio.run(inside()).state == signing.VALID
