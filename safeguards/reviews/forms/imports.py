"""The upload form for importing an assessment from JSON."""

from django import forms

from safeguards.accounts.models import Office
from safeguards.reviews.importer import MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Import file (JSON)",
        help_text=f"Format safeguards.assessment-import/1, at most {MAX_BYTES // 1024} KB.",
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offices = list(offices)
        if len(self.offices) > 1:
            self.fields = {
                "office": forms.ModelChoiceField(
                    queryset=Office.objects.filter(pk__in=[o.pk for o in self.offices]),
                    empty_label=None,
                ),
                **self.fields,
            }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the limit of {MAX_BYTES // 1024} KB."
            )
        upload.seek(0)
        return upload.read(MAX_BYTES + 1)

    def chosen_office(self):
        return self.cleaned_data.get("office") or self.offices[0]
