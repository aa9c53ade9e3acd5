"""Forms of information requests: making one, its questions, answers and the respondent."""

from django import forms

from safeguards.reviews import uploads
from safeguards.reviews.forms.evidence import checked_upload

from .request_models import InformationRequest, Position

DEFAULT_LETTER = (
    "We are reviewing the safeguards of this deployment. The public record does not answer the "
    "questions below. Please answer each one, citing the document, clause or page that shows "
    "it, and attach the documents. If a safeguard does not exist, please say so."
)


class RequestForm(forms.ModelForm):
    class Meta:
        model = InformationRequest
        fields = [
            "recipient_name",
            "recipient_organisation",
            "recipient_email",
            "due_on",
            "covering_letter",
        ]
        labels = {
            "recipient_name": "Recipient's name",
            "recipient_organisation": "Recipient's organisation",
            "recipient_email": "Recipient's e-mail (optional)",
            "due_on": "Due date",
        }
        help_texts = {
            "due_on": "The last day to answer. A question unanswered after it is recorded as "
            "“no response” and printed in the report.",
        }
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "covering_letter": forms.Textarea(attrs={"rows": 6}),
        }


class QuestionTextForm(forms.Form):
    text = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    """The respondent's answer to one question: text, and optionally a file."""

    text = forms.CharField(
        label="Your answer", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    upload = forms.FileField(
        label="Attach a file",
        required=False,
        help_text=f"Optional. {uploads.ACCEPTED}; the type is checked from the content.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked = None

    def clean_upload(self):
        return checked_upload(self, "upload")


class RecordAnswerForm(AnswerForm):
    """An answer the office received by letter or e-mail."""

    received_on = forms.DateField(
        label="Date received", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Answer received (verbatim)"
        self.fields["upload"].label = "File received"

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("upload"):
            raise forms.ValidationError("Give the answer's text, the file received, or both.")
        return data


class InviteRespondentForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        label="Username",
        help_text="Letters, digits and @ . + - _ only.",
    )
    full_name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="E-mail", required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Filled-in request file (JSON)")


class CommentsForm(forms.Form):
    """The operator's comments on a draft: overall, and per recommendation a position and a
    comment; the office's version adds the replies and the date received."""

    overall = forms.CharField(
        label="Overall comments", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, comments=(), office_side=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.comments = list(comments)
        self.office_side = office_side
        if office_side:
            self.fields["overall"].label = "Overall comments received (verbatim)"
            self.fields["overall_reply"] = forms.CharField(
                label="Our response to the overall comments",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields["received_on"] = forms.DateField(
                label="Date received", widget=forms.DateInput(attrs={"type": "date"})
            )
        for comment in self.comments:
            prefix = f"c{comment.pk}"
            self.fields[f"{prefix}-position"] = forms.ChoiceField(
                label=f"Position on the recommendation about {comment.criterion_code}",
                choices=[("", "No position"), *Position.choices],
                required=False,
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            if office_side:
                self.fields[f"{prefix}-reply"] = forms.CharField(
                    label="Our response", required=False, widget=forms.Textarea(attrs={"rows": 2})
                )

    def rows(self):
        """(comment, its bound fields) for the template, one block per recommendation."""
        for comment in self.comments:
            prefix = f"c{comment.pk}"
            names = ["position", "comment"] + (["reply"] if self.office_side else [])
            yield comment, [self[f"{prefix}-{name}"] for name in names]

    def items(self) -> dict[int, dict]:
        data = self.cleaned_data
        names = ("position", "comment", "reply") if self.office_side else ("position", "comment")
        return {
            comment.pk: {name: data.get(f"c{comment.pk}-{name}", "") for name in names}
            for comment in self.comments
        }


class SendDraftForm(forms.Form):
    respondent = forms.ModelChoiceField(
        queryset=None, label="Send to", empty_label=None, help_text="A respondent of the office."
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = users
