"""One-file backups: every record as JSON plus the evidence files, with a SHA-256 manifest.

The archive is a zip holding `manifest.json` (format, time, counts, the SHA-256 of every other
member), `data.json` (Django's serialisation of every model, ids kept) and `evidence/...` (the
stored files, evidence and office logos, under their stored names, read from whichever storage
holds them: the disk or an S3 bucket); with a passphrase, also `signing-keys/<key_id>.p12` (each
office signing key, passphrase-encrypted PKCS#12). Restoring checks every hash before writing
anything.
"""

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from safeguards.canonical import sha256_hex

FORMAT = "safeguards.backup/1"
KEYS_PREFIX = "signing-keys/"

# Models in dependency order; sessions, admin log and login attempts are not records to keep.
MODEL_LABELS = [
    "auth.group",
    "auth.user",
    "accounts.office",
    "accounts.membership",
    "accounts.profile",
    "catalog.framework",
    "catalog.frameworkversion",
    "catalog.category",
    "catalog.criterion",
    "catalog.reference",
    "reviews.deployment",
    "reviews.evidence",
    "reviews.assessment",
    "reviews.answer",
    "reviews.workflowstep",
    "reports.reportversion",
    "signing.signingcertificate",
    "notifications.notification",
    "notifications.outgoingemail",
    "notifications.reminder",  # else a restored office is reminded again
    "team.assignment",
    "team.reviewnote",
    "team.notereply",
    "team.reviewmark",
    "followup.numberseries",
    "followup.decision",
    "followup.recommendation",
    "followup.statusnote",
    "followup.versionsummary",
    "audit.chainhead",
    "audit.event",
]


# Records whose files live in the storage (disk or S3); all go under `evidence/` in the archive.
STORED_FILES = [("reviews.evidence", "file"), ("accounts.office", "logo")]


class BackupError(Exception):
    """The archive cannot be restored; the message says why."""


def backed_up_models():
    return [apps.get_model(label) for label in MODEL_LABELS]


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; audit hashes cover the microseconds."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def dump_records(objects) -> bytes:
    records = serializers.serialize("python", objects)
    return json.dumps(records, cls=_FullPrecisionEncoder, ensure_ascii=False).encode()


def write_backup(output: Path, key_passphrase: bytes | None = None) -> dict:
    """Write the archive; returns the manifest. Signing keys go in only with a passphrase."""
    with transaction.atomic():  # one consistent snapshot of every table
        data = dump_records(
            obj for model in backed_up_models() for obj in model._default_manager.order_by("pk")
        )
        evidence_names = [
            name
            for label, field in STORED_FILES
            for name in apps.get_model(label)
            .objects.exclude(**{field: ""})
            .order_by("pk")
            .values_list(field, flat=True)
        ]
    files = {"data.json": sha256_hex(data)}
    counts = {
        model._meta.label_lower: model._default_manager.count() for model in backed_up_models()
    }
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        for name in evidence_names:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            member = f"evidence/{name}"
            archive.writestr(member, content)
            files[member] = sha256_hex(content)
        if key_passphrase:
            from safeguards.signing.keys import encrypted_key
            from safeguards.signing.models import SigningCertificate

            for certificate in SigningCertificate.objects.order_by("pk"):
                content = encrypted_key(certificate, key_passphrase)
                member = f"{KEYS_PREFIX}{certificate.key_id}.p12"
                archive.writestr(member, content)
                files[member] = sha256_hex(content)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "counts": counts,
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _read_checked(archive_path: Path) -> tuple[dict, dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive ({error}).") from error
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError as error:
            raise BackupError("The archive has no manifest.json.") from error
        except (ValueError, zipfile.BadZipFile) as error:
            raise BackupError(f"The manifest is damaged ({error}).") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown archive format: expected {FORMAT}.")
        files = manifest.get("files")
        if not isinstance(files, dict) or "data.json" not in files:
            raise BackupError("The manifest lists no data.json.")
        contents = {}
        for member, expected in files.items():
            if member != "data.json" and not _safe_member(member):
                raise BackupError(f"Refusing unsafe member name {member!r}.")
            try:
                content = archive.read(member)
            except (KeyError, zipfile.BadZipFile, OSError) as error:
                raise BackupError(f"{member} is missing or damaged ({error}).") from error
            if sha256_hex(content) != expected:
                raise BackupError(f"{member} does not match its SHA-256 in the manifest.")
            contents[member] = content
    return manifest, contents


def _safe_member(member: str) -> bool:
    path = Path(member)
    return (
        (member.startswith("evidence/") or member.startswith(KEYS_PREFIX))
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in member
    )


def restore_backup(archive_path: Path, key_passphrase: bytes | None = None) -> dict:
    """Restore into an empty database; all or nothing. Returns the manifest."""
    manifest, contents = _read_checked(archive_path)
    keys = {m: c for m, c in contents.items() if m.startswith(KEYS_PREFIX)}
    contents = {m: c for m, c in contents.items() if not m.startswith(KEYS_PREFIX)}
    if keys and not key_passphrase:
        raise BackupError(
            "The archive holds encrypted signing keys: give their passphrase "
            "(--passphrase-stdin or SAFEGUARDS_BACKUP_PASSPHRASE)."
        )
    occupied = [
        model._meta.label_lower
        for model in backed_up_models()
        if model._meta.label_lower not in {"audit.chainhead"} and model._default_manager.exists()
    ]
    if occupied:
        raise BackupError(
            "Restore needs an empty database, but these tables hold records: " + ", ".join(occupied)
        )
    written: list[str] = []
    try:
        with transaction.atomic():
            apps.get_model("audit.chainhead").objects.all().delete()
            objects = serializers.deserialize("python", json.loads(contents["data.json"]))
            with connection.constraint_checks_disabled():
                links = _save_without_m2m(objects)
                for through, rows in links.items():
                    through.objects.bulk_create(rows)
            connection.check_constraints()
            for member, content in contents.items():
                if member == "data.json":
                    continue
                name = member.removeprefix("evidence/")
                stored = default_storage.save(name, io.BytesIO(content))
                written.append(stored)
                if stored != name:
                    raise BackupError(f"Evidence file {name} already exists in the storage.")
            _restore_keys(keys, key_passphrase)
            _reset_sequences()
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    return manifest


def _restore_keys(keys: dict[str, bytes], passphrase: bytes | None) -> None:
    """Write back each signing key beside its restored certificate (checked to match)."""
    if not keys:
        return
    from safeguards.signing.keys import KeyError_, restore_key
    from safeguards.signing.models import SigningCertificate

    by_id = {row.key_id: row for row in SigningCertificate.objects.all()}
    for member, content in keys.items():
        key_id = member.removeprefix(KEYS_PREFIX).removesuffix(".p12")
        certificate = by_id.get(key_id)
        if certificate is None:
            raise BackupError(f"{member} belongs to no certificate in the archive.")
        try:
            restore_key(certificate, content, passphrase)
        except KeyError_ as error:
            raise BackupError(str(error)) from error


def _save_without_m2m(objects) -> dict:
    """Save each record as it was; return its many-to-many links as rows of their tables.

    Written as rows, not through `.set()`: that sends m2m_changed, and the guard on evidence
    links (reviews.models) rightly refuses links to answers of approved assessments.
    """
    links: dict = {}
    for obj in objects:
        m2m = obj.m2m_data or {}  # save() forgets it
        obj.save(save_m2m=False)
        for name, values in m2m.items():
            field = obj.object._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            links.setdefault(through, []).extend(
                through(**{source: obj.object.pk, target: value}) for value in values
            )
    return links


def _reset_sequences() -> None:
    """PostgreSQL keeps id counters apart from the rows; move them past the restored ids."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
