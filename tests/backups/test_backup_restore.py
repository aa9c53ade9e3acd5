import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from safeguards.audit import triggers
from safeguards.audit.models import Event
from safeguards.audit.record import record
from safeguards.backups.archive import backed_up_models, dump_records
from safeguards.reports.models import ReportVersion
from safeguards.reviews import workflow
from safeguards.reviews.models import Evidence
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def filled(alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    framework_version = make_framework(categories=2, per_category=3)
    deployment = make_deployment(alice.memberships.get().office, alice)
    codes = framework_version.criteria.values_list("code", flat=True)
    assessment = make_assessment(
        deployment, framework_version, alice, answers=dict.fromkeys(codes, "met")
    )
    evidence = Evidence.objects.create(
        office=deployment.office,
        deployment=deployment,
        title="Contract award notice",
        kind="file",
        file_name="award.txt",
    )
    evidence.file.save("award.txt", ContentFile(b"Award notice text\n"))
    # Linked while a draft; once approved, the link must still restore (rows, not .set()).
    assessment.answers.order_by("pk").first().evidence.add(evidence)
    with transaction.atomic():
        record("assessment.created", actor=alice, office=deployment.office, target=assessment)
        record("evidence.added", actor=alice, office=deployment.office, target=evidence)
    workflow.submit(assessment, by=alice)
    workflow.approve(assessment, by=bob)
    return assessment


def snapshot() -> bytes:
    return dump_records(
        obj for model in backed_up_models() for obj in model._default_manager.order_by("pk")
    )


def empty_database(settings, tmp_path):
    if connection.vendor == "postgresql":
        # Run the deferred foreign-key checks now: TRUNCATE refuses while they are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    triggers.uninstall(connection)
    call_command("flush", interactive=False, verbosity=0)
    triggers.install(connection)
    settings.MEDIA_ROOT = tmp_path / "restored-media"


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_backup_then_restore_gives_back_the_same_records(filled, tmp_path, settings):
    before = snapshot()
    archive = tmp_path / "backup.zip"
    assert "evidence files" in run("backup", str(archive))
    empty_database(settings, tmp_path)
    assert not Event.objects.exists()

    out = run("restore", str(archive))

    assert "Restored" in out
    assert snapshot() == before
    evidence = Evidence.objects.get()
    assert evidence.file.read() == b"Award notice text\n"
    assert evidence.answers.count() == 1
    assert "events" in out  # verify_audit ran and reported the intact chain


def test_an_office_logo_is_backed_up_and_restored(filled, tmp_path, settings):
    from safeguards.accounts.models import Office

    office = Office.objects.get(pk=filled.office_id)
    office.logo.save("seal.png", ContentFile(b"\x89PNG\r\n\x1a\nnot really"))
    name = office.logo.name
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert f"evidence/{name}" in opened.namelist()
    empty_database(settings, tmp_path)

    run("restore", str(archive))

    restored = Office.objects.get(pk=office.pk)
    assert restored.logo.name == name
    assert restored.logo.read() == b"\x89PNG\r\n\x1a\nnot really"


def test_restored_report_versions_keep_their_fingerprints_and_bytes(filled, tmp_path, settings):
    frozen = ReportVersion.objects.get()
    fingerprint, pdf = frozen.fingerprint, bytes(frozen.pdf)
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    empty_database(settings, tmp_path)

    run("restore", str(archive))

    restored = ReportVersion.objects.get()
    assert restored.fingerprint == fingerprint
    assert bytes(restored.pdf) == pdf
    exported = tmp_path / "report.pdf"
    exported.write_bytes(pdf)
    with pytest.raises(SystemExit) as exit_status:
        run("verify_report", str(exported))
    assert exit_status.value.code == 0


def test_restore_refuses_a_damaged_archive_and_writes_nothing(filled, tmp_path, settings):
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "data.json":
                content = content.replace(b"Rationale for C1-1.", b"Rationale for C1-9.")
            target.writestr(item, content)
    empty_database(settings, tmp_path)

    with pytest.raises(CommandError, match="data.json does not match its SHA-256"):
        run("restore", str(damaged))
    assert not Event.objects.exists()


def test_restore_refuses_a_non_empty_database(filled, tmp_path):
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    with pytest.raises(CommandError, match="needs an empty database"):
        run("restore", str(archive))


def test_restore_refuses_something_that_is_not_an_archive(db, tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_text("not a zip")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        run("restore", str(bogus))


def test_manifest_lists_every_file_with_its_hash(filled, tmp_path):
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        assert set(manifest["files"]) == set(opened.namelist()) - {"manifest.json"}
    assert manifest["counts"]["reviews.answer"] == 6
    assert manifest["counts"]["reports.reportversion"] == 1


def test_office_logos_are_backed_up_and_restored(filled, tmp_path, settings):
    office = filled.office
    office.logo.save("seal.png", ContentFile(b"\x89PNG\r\n\x1a\nseal"))
    name = office.logo.name
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    empty_database(settings, tmp_path)

    run("restore", str(archive))

    restored = type(office).objects.get(pk=office.pk)
    assert restored.logo.name == name
    assert restored.logo.read() == b"\x89PNG\r\n\x1a\nseal"
