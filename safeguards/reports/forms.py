"""Forms of the verification page."""

from django import forms

# An approved PDF of the largest framework is a few hundred kilobytes; 20 MB leaves room for
# re-saved copies without letting anyone make the server parse something huge.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class FingerprintForm(forms.Form):
    fingerprint = forms.CharField(
        max_length=200,
        help_text="The 64 characters on the report's cover, or at least the first 16 shown in "
        "every page footer. The SHA-256 of an approved PDF file works too.",
    )


class ReportFileForm(forms.Form):
    file = forms.FileField(
        label="Report file (PDF or JSON)",
        help_text=f"A report PDF or JSON from Safeguards, up to {MAX_UPLOAD_BYTES // 2**20} MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is larger than {MAX_UPLOAD_BYTES // 2**20} MB; no report is that big."
            )
        if upload.size == 0:
            raise forms.ValidationError("This file is empty.")
        return upload
