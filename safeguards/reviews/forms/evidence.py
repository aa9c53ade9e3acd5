"""Adding evidence: the fields, the file checks, and storing it with its audit event."""

import secrets

from django import forms
from django.conf import settings
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction

from safeguards.audit.record import record
from safeguards.reviews import uploads
from safeguards.reviews.models import Evidence

from .limits import CountedLimits

WEB_URL = URLValidator(schemes=["http", "https"], message="Enter a web address (http or https).")


class StorageUnavailable(Exception):
    """The file storage (the disk, or an S3 bucket) did not take the file; nothing was saved."""

    message = (
        "The file could not be stored just now, so nothing was saved. Try again in a few "
        "minutes; if it keeps failing, tell your administrator."
    )


def max_upload_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)


def checked_upload(form, name: str):
    """Clean an optional file field with the evidence checks; the result goes to form.checked.
    (Also used for the files that come with answers to information requests.)"""
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    limit = max_upload_bytes()
    # The size the upload handler counted: refuse big files before reading them again.
    if upload.size > limit:
        raise forms.ValidationError(
            f"The file is larger than the limit of {uploads.megabytes(limit)}."
        )
    try:
        form.checked = uploads.inspect(upload, upload.name or "", limit)
    except uploads.UploadRefused as refusal:
        raise forms.ValidationError(str(refusal)) from None
    return upload


class EvidenceForm(CountedLimits, forms.ModelForm):
    url = forms.URLField(
        label="Source URL",
        required=False,
        max_length=1000,
        assume_scheme="https",
        validators=[WEB_URL],
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text=f"Optional. {uploads.ACCEPTED}; the type is checked from the content.",
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "url", "citation", "excerpt", "retrieved_on"]
        widgets = {
            "retrieved_on": forms.DateInput(attrs={"type": "date"}),
            "excerpt": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "citation": "Page, section or paragraph, so a reader can find the passage.",
            "excerpt": "The passage that supports the answer, quoted exactly.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.megabytes(max_upload_bytes())
        self.fields["upload"].help_text += f" At most {limit}."
        self.checked: uploads.CheckedFile | None = None

    def clean_upload(self):
        return checked_upload(self, "upload")

    def save_for(self, deployment, user) -> Evidence:
        """Store the evidence (and its file, under a name we choose) with its audit event.
        If anything fails, no row and no file remain."""
        evidence = self.save(commit=False)
        evidence.office_id = deployment.office_id
        evidence.deployment = deployment
        evidence.added_by = user
        upload, checked = self.cleaned_data.get("upload"), self.checked
        if upload and checked:
            evidence.file_name = checked.display_name
            evidence.file_size = checked.size
            evidence.file_sha256 = checked.sha256
            evidence.file_type = checked.mime_type
        try:
            with transaction.atomic():
                if upload and checked:
                    upload.seek(0)
                    name = secrets.token_hex(16) + checked.extension
                    try:
                        evidence.file.save(name, File(upload), save=False)
                    except Exception as error:  # any refusal of the store: full, down, denied
                        raise StorageUnavailable(str(error)) from error
                evidence.save()
                record_added(evidence, user)
        except BaseException:
            if evidence.file.name:
                evidence.file.storage.delete(evidence.file.name)
            raise
        return evidence


def record_added(evidence: Evidence, user) -> None:
    record(
        "evidence.added",
        actor=user,
        office=evidence.office_id,
        target=evidence,
        after={
            "deployment": evidence.deployment_id,
            "title": evidence.title,
            "kind": evidence.kind,
            "url": evidence.url,
            "citation": evidence.citation,
            "file_name": evidence.file_name,
            "sha256": evidence.file_sha256,
            "size": evidence.file_size,
            "type": evidence.file_type,
        },
    )
