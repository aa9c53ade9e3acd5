"""Office signing keys: made here or imported from PKCS#12; private keys are owner-only files.

The certificate (public) is a SigningCertificate row; its private key is
SIGNING_KEYS_DIR/<key_id>.key.pem (mode 0600, folder 0700), never in the database, and in a
backup only when asked, then encrypted with a passphrase (see `encrypted_key`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import connection, transaction

from safeguards.audit.record import record

from .models import CertificateSource, SigningCertificate

VALIDITY = timedelta(days=10 * 365)


class KeyError_(Exception):
    """A key or certificate cannot be made, read or imported; the message says why."""


def keys_dir() -> Path:
    path = Path(settings.SIGNING_KEYS_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def key_path(certificate: SigningCertificate) -> Path:
    return keys_dir() / f"{certificate.key_id}.key.pem"


def _write_private(path: Path, content: bytes) -> None:
    """Create the file owner-only from the start (no moment where others could read it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def subject_name(office) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{office.name} report signing"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, office.name[:64]),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, f"Safeguards office {office.slug}"[:64]
            ),
        ]
    )


def self_signed(office, key, now: datetime | None = None) -> x509.Certificate:
    """A self-signed document-signing certificate: it is its own trust anchor."""
    now = now or datetime.now(UTC)
    name = subject_name(office)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def new_key_id() -> str:
    return secrets.token_hex(16)


def _store(
    office,
    key,
    certificate,
    chain,
    source,
    actor=None,
    key_id: str | None = None,
    callers_transaction: bool = False,
) -> SigningCertificate:
    """Write the key file, then the row (the previous active certificate retires), in a
    transaction of their own or, with `callers_transaction`, at the level of the caller's
    (an approval's, whose audit events are written at its end)."""
    key_id = key_id or new_key_id()
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    pem += "".join(extra.public_bytes(serialization.Encoding.PEM).decode() for extra in chain)
    row = SigningCertificate(
        office=office,
        key_id=key_id,
        certificate_pem=pem,
        subject=certificate.subject.rfc4514_string()[:500],
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        source=source,
    )
    _write_private(key_path(row), _pem_key(key))
    with contextlib.nullcontext() if callers_transaction else transaction.atomic():
        retired = list(
            SigningCertificate.objects.filter(office=office, active=True).values_list(
                "sha256", flat=True
            )
        )
        SigningCertificate.objects.filter(office=office, active=True).update(active=False)
        row.save()
        record(
            "signing.certificate_added",
            actor=actor,
            office=office,
            target=row,
            before={"active": retired},
            after={"sha256": row.sha256, "subject": row.subject, "source": source},
        )
    return row


def generate_certificate(office, actor=None) -> SigningCertificate:
    key = ec.generate_private_key(ec.SECP256R1())
    return _store(office, key, self_signed(office, key), [], CertificateSource.GENERATED, actor)


def new_key(office) -> tuple[str, object, x509.Certificate]:
    """A key id, key and self-signed certificate made in memory, not stored yet."""
    key = ec.generate_private_key(ec.SECP256R1())
    return new_key_id(), key, self_signed(office, key)


def pem_of(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def sha256_of(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def store_generated(office, key, certificate: x509.Certificate, key_id: str) -> SigningCertificate:
    """Keep a key made in memory (by an approval, before its transaction) with its certificate.
    Inside the caller's transaction; if it rolls back, `discard_key_file(key_id)` removes the
    file again."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "store_generated() must run inside the approval's transaction."
        )
    return _store(
        office,
        key,
        certificate,
        [],
        CertificateSource.GENERATED,
        key_id=key_id,
        callers_transaction=True,
    )


def discard_key_file(key_id: str) -> None:
    """Remove a key file whose certificate row was never committed (a failed approval)."""
    if not SigningCertificate.objects.filter(key_id=key_id).exists():
        (keys_dir() / f"{key_id}.key.pem").unlink(missing_ok=True)


def import_pkcs12(office, data: bytes, passphrase: bytes | None, actor=None) -> SigningCertificate:
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise KeyError_(
            "The PKCS#12 file cannot be opened: wrong passphrase or not a PKCS#12 file."
        ) from error
    if key is None or certificate is None:
        raise KeyError_("The PKCS#12 file must hold a private key and its certificate.")
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise KeyError_("Only RSA and elliptic-curve keys can sign reports.")
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise KeyError_("The certificate in the PKCS#12 file is not the one of its key.")
    if certificate.not_valid_after_utc <= datetime.now(UTC):
        raise KeyError_(f"The certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}.")
    return _store(office, key, certificate, chain or [], CertificateSource.IMPORTED, actor)


def active_certificate(office) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(office=office, active=True).first()


def ensure_certificate(office) -> SigningCertificate:
    """The office's active certificate, made now if it has none (offices older than signing)."""
    return active_certificate(office) or generate_certificate(office)


def load_private_key(certificate: SigningCertificate):
    path = key_path(certificate)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KeyError_(
            f"The private key of certificate {certificate.sha256[:16]} is missing ({path}); "
            "restore it from a backup made with --with-signing-keys, or make a new key with "
            "`manage.py make_signing_key`."
        ) from error
    return serialization.load_pem_private_key(raw, password=None)


def certificates(pem: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem.encode())


def trust_anchor_pem(office) -> str:
    """Every certificate the office has signed with (newest first): what a reader trusts."""
    rows = SigningCertificate.objects.filter(office=office).order_by("-active", "-created_at")
    return "".join(row.certificate_pem for row in rows)


def _pdf_string(value: str) -> bytes:
    escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1", "replace") + b")"


def trust_anchor_fdf(office) -> bytes:
    """An Acrobat certificate-exchange file (FDF Data Exchange): one contact, the office, with
    its certificates; Acrobat offers to add them to its trusted identities."""
    ders = [
        cert.public_bytes(serialization.Encoding.DER)
        for row in SigningCertificate.objects.filter(office=office).order_by(
            "-active", "-created_at"
        )
        for cert in certificates(row.certificate_pem)[:1]
    ]
    certs = b" ".join(b"<" + der.hex().upper().encode() + b">" for der in ders)
    indexes = b" ".join(str(i).encode() for i in range(len(ders)))
    body = (
        b"<< /FDF << /Certs ["
        + certs
        + b"] /Contacts [<< /Name "
        + _pdf_string(office.name)
        + b" /Certs ["
        + indexes
        + b"] >>] >> /Type /Catalog >>"
    )
    out = b"%FDF-1.2\n%\xe2\xe3\xcf\xd3\n"
    offset = len(out)
    out += b"1 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 2\n0000000000 65535 f \n" + f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return out


def encrypted_key(certificate: SigningCertificate, passphrase: bytes) -> bytes:
    """The key and its certificate as a passphrase-encrypted PKCS#12 (for backups)."""
    key = load_private_key(certificate)
    chain = certificates(certificate.certificate_pem)
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )
    return pkcs12.serialize_key_and_certificates(
        certificate.key_id.encode(), key, chain[0], chain[1:] or None, encryption
    )


def restore_key(certificate: SigningCertificate, data: bytes, passphrase: bytes) -> None:
    """Write back a key from a backup, checking it belongs to the certificate."""
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise KeyError_(
            "A signing key in the backup cannot be opened: wrong passphrase?"
        ) from error
    expected = certificates(certificate.certificate_pem)[0]
    if cert is None or cert.fingerprint(hashes.SHA256()) != expected.fingerprint(hashes.SHA256()):
        raise KeyError_(f"The backed-up key {certificate.key_id} is not its certificate's.")
    path = key_path(certificate)
    if path.exists():
        return
    _write_private(path, _pem_key(key))
