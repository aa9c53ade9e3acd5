"""Correcting and retiring records (issue 13, point 4): evidence edited or its file replaced
(the old file kept), evidence retired, deployments and assessments archived and restored.

Each change locks its row, checks its rule and writes one audit event with before/after in
the same transaction. Approved report versions keep their own frozen copy of the evidence
(canonical JSON and PDF), so nothing here can change what an approved report says.
"""

import secrets

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from safeguards.audit.record import record

from .models import Assessment, Deployment, Evidence, EvidenceFile

REASON_MIN_LENGTH = 5
REASON_MAX_LENGTH = 2000
# What an edit may change, in the order the audit event lists it.
EDITABLE = ("title", "kind", "url", "citation", "excerpt", "retrieved_on")
FILE_FIELDS = ("file_name", "file_size", "file_sha256", "file_type")


class CorrectionError(Exception):
    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(problem)


class StorageUnavailable(Exception):
    """The file storage did not take the new file; nothing was changed."""


def reason_problem(reason: str, what: str) -> str | None:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        return f"Give the reason for {what} (at least {REASON_MIN_LENGTH} characters)."
    if len(reason) > REASON_MAX_LENGTH:
        return f"Keep the reason under {REASON_MAX_LENGTH} characters (it has {len(reason)})."
    return None


def _file_facts(evidence: Evidence) -> dict:
    return {
        "file_name": evidence.file_name,
        "size": evidence.file_size,
        "sha256": evidence.file_sha256,
        "type": evidence.file_type,
    }


def edit_evidence(evidence: Evidence, by, values: dict, upload=None, checked=None) -> list[str]:
    """Change the descriptive fields in `values` and, with `upload` (and its uploads.CheckedFile
    `checked`), replace the file, keeping the old one as an EvidenceFile. Returns the names of
    what changed (empty: nothing changed, no event)."""
    new_name = ""
    try:
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
            if locked.retired_at is not None:
                raise CorrectionError("This evidence is retired; it can no longer be edited.")
            before, after = {}, {}
            for name in EDITABLE:
                if name in values and values[name] != getattr(locked, name):
                    before[name], after[name] = getattr(locked, name), values[name]
                    setattr(locked, name, values[name])
            changed = list(after)
            if upload is not None and checked is not None:
                if locked.file:
                    EvidenceFile.objects.create(
                        office_id=locked.office_id,
                        evidence=locked,
                        file=locked.file.name,
                        replaced_by=by,
                        **{name: getattr(locked, name) for name in FILE_FIELDS},
                    )
                before["file"] = _file_facts(locked) if locked.file else None
                upload.seek(0)
                new_name = secrets.token_hex(16) + checked.extension
                try:
                    locked.file.save(new_name, File(upload), save=False)
                except Exception as error:  # any refusal of the store: full, down, denied
                    new_name = ""
                    raise StorageUnavailable(str(error)) from error
                new_name = locked.file.name
                locked.file_name = checked.display_name
                locked.file_size = checked.size
                locked.file_sha256 = checked.sha256
                locked.file_type = checked.mime_type
                after["file"] = _file_facts(locked)
                changed.append("file")
            if not changed:
                return []
            locked.save()
            record(
                "evidence.edited",
                actor=by,
                office=locked.office_id,
                target=locked,
                before=before,
                after=after,
            )
    except BaseException:
        if new_name:  # the row was not changed: the new file must not stay behind
            evidence.file.storage.delete(new_name)
        raise
    evidence.refresh_from_db()
    return changed


def retire_evidence(evidence: Evidence, by, reason: str) -> None:
    """Retire evidence with a reason: it stays readable and linked where it was, but is
    marked retired and can no longer be edited or linked to more answers."""
    problem = reason_problem(reason, "retiring it")
    if problem:
        raise CorrectionError(problem)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.retired_at is not None:
            raise CorrectionError("This evidence is already retired.")
        locked.retired_at = timezone.now()
        locked.retired_by = by
        locked.retired_reason = reason.strip()
        locked.save(update_fields=["retired_at", "retired_by", "retired_reason"])
        record(
            "evidence.retired",
            actor=by,
            office=locked.office_id,
            target=locked,
            before={"retired": False},
            after={"retired": True, "reason": locked.retired_reason},
        )
    evidence.refresh_from_db()


def _kind(item) -> str:
    return "deployment" if isinstance(item, Deployment) else "assessment"


def archive(item: Deployment | Assessment, by, reason: str) -> None:
    """Hide a deployment or an assessment from lists, with a reason; it stays readable and
    its approved reports stay verifiable."""
    problem = reason_problem(reason, "archiving it")
    if problem:
        raise CorrectionError(problem)
    with transaction.atomic():
        locked = type(item).objects.select_for_update().get(pk=item.pk)
        if locked.archived_at is not None:
            raise CorrectionError(f"This {_kind(item)} is already archived.")
        locked.archived_at = timezone.now()
        locked.archived_by = by
        locked.archived_reason = reason.strip()
        locked.save(update_fields=["archived_at", "archived_by", "archived_reason"])
        record(
            f"{_kind(item)}.archived",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked if isinstance(locked, Assessment) else None,
            before={"archived": False},
            after={"archived": True, "reason": locked.archived_reason},
        )
    item.refresh_from_db()


def restore(item: Deployment | Assessment, by) -> None:
    """Bring an archived deployment or assessment back into the lists."""
    with transaction.atomic():
        locked = type(item).objects.select_for_update().get(pk=item.pk)
        if locked.archived_at is None:
            raise CorrectionError(f"This {_kind(item)} is not archived.")
        before = {"archived": True, "reason": locked.archived_reason}
        locked.archived_at = None
        locked.archived_by = None
        locked.archived_reason = ""
        locked.save(update_fields=["archived_at", "archived_by", "archived_reason"])
        record(
            f"{_kind(item)}.restored",
            actor=by,
            office=locked.office_id,
            target=locked,
            assessment=locked if isinstance(locked, Assessment) else None,
            before=before,
            after={"archived": False},
        )
    item.refresh_from_db()
