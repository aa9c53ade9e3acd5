"""Forms of the verification page and of the office's letterhead."""

from zoneinfo import available_timezones

from django import forms

from safeguards.accounts.models import Office

from .pdf import MAX_LOGO_BYTES, logo_problem

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


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())]


class LetterheadForm(forms.ModelForm):
    """The office's letterhead and report settings, as printed on its reports."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Sign-off times in reports are printed in this zone, to the minute.",
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    class Meta:
        model = Office
        fields = ["name", "address_line", "logo", "time_zone", "paper_size", "attestation_text"]
        labels = {
            "name": "Office name",
            "address_line": "Address line",
            "paper_size": "Paper size of PDF reports",
            "attestation_text": "Approver's attestation",
        }
        help_texts = {
            "address_line": "One line under the office name, e.g. the street address.",
            "logo": "PNG or JPEG, at most 2 MB; printed at the top of every report's cover.",
            "attestation_text": "The statement an approver confirms when approving a report.",
        }
        widgets = {
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
            "attestation_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        # The logo's own "clear" box is replaced by remove_logo, which says what it does.
        self.fields["logo"].widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg"})

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the office's name.")
        return name

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if (
            upload
            and upload is not getattr(self.instance, "logo", None)
            and hasattr(upload, "content_type")
        ):
            content = upload.read(MAX_LOGO_BYTES + 1)
            upload.seek(0)
            problem = logo_problem(content)
            if problem:
                raise forms.ValidationError(problem)
        return upload
