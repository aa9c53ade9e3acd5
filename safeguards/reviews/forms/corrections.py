"""Forms of the corrections: editing evidence (and replacing its file), and the reason given
for retiring evidence or archiving a deployment or an assessment."""

from django import forms

from safeguards.reviews.corrections import REASON_MAX_LENGTH, REASON_MIN_LENGTH

from .evidence import EvidenceForm
from .limits import CountedLimits


class EvidenceEditForm(EvidenceForm):
    """The evidence's fields as stored; a file chosen here replaces the stored one, which is
    kept (listed under Earlier files) so what cited it can still be checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        upload = self.fields["upload"]
        upload.label = "Replace the file" if self.instance.file else "Add a file"
        if self.instance.file:
            upload.help_text = (
                "Optional. The current file is kept as an earlier file, with its SHA-256. "
                + upload.help_text.removeprefix("Optional. ")
            )


class ReasonForm(CountedLimits, forms.Form):
    reason = forms.CharField(
        min_length=REASON_MIN_LENGTH,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the record's history and shown on its page.",
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
