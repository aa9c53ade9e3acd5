"""Office signing keys: made with the office, owner-only files outside the database, imported
from PKCS#12, published as a trust anchor, and in backups only encrypted."""

import io
import stat
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.urls import reverse

from safeguards.accounts.models import Office
from safeguards.audit.models import Event
from safeguards.signing import keys
from safeguards.signing.models import SigningCertificate

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_office_makes_a_certificate_and_an_owner_only_key():
    run("create_office", "oig", "Office of Inspector General")
    office = Office.objects.get(slug="oig")
    certificate = SigningCertificate.objects.get(office=office, active=True)
    path = keys.key_path(certificate)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert b"PRIVATE KEY" in path.read_bytes()
    # The database holds the certificate only.
    assert "PRIVATE" not in certificate.certificate_pem
    cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    assert "Office of Inspector General" in cert.subject.rfc4514_string()
    assert cert.fingerprint(hashes.SHA256()).hex() == certificate.sha256
    assert Event.objects.filter(action="signing.certificate_added", office=office).count() == 1


def test_create_office_again_keeps_the_certificate():
    run("create_office", "oig", "Office of Inspector General")
    run("create_office", "oig", "Office of Inspector General")
    assert SigningCertificate.objects.count() == 1


def test_make_signing_key_replace_retires_the_old_one(office):
    first = keys.generate_certificate(office)
    assert "already has" in run("make_signing_key", "oig")
    run("make_signing_key", "oig", "--replace")
    first.refresh_from_db()
    assert not first.active
    assert SigningCertificate.objects.filter(office=office, active=True).count() == 1
    # Both stay in the trust anchor: the old one verifies what it signed.
    assert keys.trust_anchor_pem(office).count("BEGIN CERTIFICATE") == 2


def test_a_generated_key_is_stored_only_inside_the_approvals_transaction(transactional_db, office):
    """Its rows are written at the caller's level: alone, they would be committed one by one."""
    folder = keys.keys_dir()
    before = set(folder.iterdir()) if folder.exists() else set()
    key_id, key, certificate = keys.new_key(office)
    with pytest.raises(TransactionManagementError, match="inside the approval"):
        keys.store_generated(office, key, certificate, key_id)
    assert not SigningCertificate.objects.filter(key_id=key_id).exists()
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def pkcs12_file(passphrase: bytes, name="Imported signer", days=365) -> tuple[bytes, str]:
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
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase)
    blob = pkcs12.serialize_key_and_certificates(b"x", key, cert, None, encryption)
    return blob, cert.fingerprint(hashes.SHA256()).hex()


def test_import_pkcs12_makes_it_the_active_certificate(office, tmp_path, monkeypatch):
    blob, sha = pkcs12_file(b"correct horse")
    path = tmp_path / "office.p12"
    path.write_bytes(blob)
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    run("import_signing_key", "oig", str(path), "--passphrase-stdin")
    active = SigningCertificate.objects.get(office=office, active=True)
    assert active.sha256 == sha and active.source == "imported"
    assert mode(keys.key_path(active)) == 0o600


def test_import_pkcs12_with_a_wrong_passphrase_is_refused(office, tmp_path, monkeypatch):
    blob, _ = pkcs12_file(b"correct horse")
    path = tmp_path / "office.p12"
    path.write_bytes(blob)
    monkeypatch.setenv("SAFEGUARDS_PKCS12_PASSPHRASE", "wrong")
    with pytest.raises(CommandError, match="wrong passphrase"):
        run("import_signing_key", "oig", str(path))
    assert not SigningCertificate.objects.exists()


def test_import_refuses_an_expired_certificate(office):
    blob, _ = pkcs12_file(b"pw", days=-1)
    with pytest.raises(keys.KeyError_, match="expired"):
        keys.import_pkcs12(office, blob, b"pw")


def test_export_trust_anchor_writes_the_pem_and_fdf(office, tmp_path):
    certificate = keys.generate_certificate(office)
    pem, fdf = tmp_path / "anchor.pem", tmp_path / "anchor.fdf"
    run("export_trust_anchor", "oig", "-o", str(pem), "--fdf", str(fdf))
    (cert,) = x509.load_pem_x509_certificates(pem.read_bytes())
    assert cert.fingerprint(hashes.SHA256()).hex() == certificate.sha256
    content = fdf.read_bytes()
    assert content.startswith(b"%FDF-1.2") and content.rstrip().endswith(b"%%EOF")
    der = cert.public_bytes(serialization.Encoding.DER).hex().upper().encode()
    assert der in content and b"/Contacts" in content


def test_export_trust_anchor_of_an_unknown_office_fails(db):
    with pytest.raises(CommandError, match="no office"):
        run("export_trust_anchor", "nobody", "-o", "/dev/null")


def test_trust_anchor_is_published_to_readers_without_an_account(office):
    certificate = keys.generate_certificate(office)
    anonymous = Client()
    response = anonymous.get(reverse("signing:trust_anchor_pem", args=["oig"]))
    assert response.status_code == 200
    assert response.content.decode() == certificate.certificate_pem
    fdf = anonymous.get(reverse("signing:trust_anchor_fdf", args=["oig"]))
    assert fdf.status_code == 200 and fdf.content.startswith(b"%FDF")
    assert anonymous.get(reverse("signing:trust_anchor_pem", args=["nope"])).status_code == 404


def test_backup_leaves_keys_out_unless_asked(office, tmp_path):
    keys.generate_certificate(office)
    archive = tmp_path / "plain.zip"
    run("backup", str(archive))
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        everything = b"".join(zipped.read(name) for name in names)
    assert not any(name.startswith("signing-keys/") for name in names)
    assert b"PRIVATE KEY" not in everything


def test_backup_with_keys_encrypts_them_and_restore_writes_them_back(
    office, tmp_path, monkeypatch, settings
):
    certificate = keys.generate_certificate(office)
    key_pem = keys.key_path(certificate).read_bytes()
    archive = tmp_path / "with-keys.zip"
    monkeypatch.setenv("SAFEGUARDS_BACKUP_PASSPHRASE", "a long backup passphrase")
    assert "1 encrypted signing keys" in run("backup", str(archive), "--with-signing-keys")
    with zipfile.ZipFile(archive) as zipped:
        blob = zipped.read(f"signing-keys/{certificate.key_id}.p12")
        everything = b"".join(zipped.read(name) for name in zipped.namelist())
    assert key_pem not in everything and b"PRIVATE KEY" not in everything
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(blob, b"not the passphrase")
    key, cert, _ = pkcs12.load_key_and_certificates(blob, b"a long backup passphrase")
    assert cert.fingerprint(hashes.SHA256()).hex() == certificate.sha256

    # A new machine: an empty key folder; the restored key is owner-only again.
    from safeguards.signing.keys import restore_key

    settings.SIGNING_KEYS_DIR = tmp_path / "new-keys"
    restore_key(certificate, blob, b"a long backup passphrase")
    restored = keys.key_path(certificate)
    assert mode(restored) == 0o600
    assert keys.load_private_key(certificate).public_key().public_numbers() == (
        key.public_key().public_numbers()
    )


def test_backup_with_keys_needs_a_long_passphrase(office, tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDS_BACKUP_PASSPHRASE", "short")
    with pytest.raises(CommandError, match="at least 12"):
        run("backup", str(tmp_path / "x.zip"), "--with-signing-keys")


def test_missing_key_file_says_how_to_recover(office):
    certificate = keys.generate_certificate(office)
    keys.key_path(certificate).unlink()
    with pytest.raises(keys.KeyError_, match="with-signing-keys"):
        keys.load_private_key(certificate)
