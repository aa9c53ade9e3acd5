"""Forms of assessments: the list filters, starting one, scoring answers, workflow comments."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from safeguards import scoring
from safeguards.catalog.models import Framework, FrameworkVersion

from ..jinja import PageRenderer
from ..models import AnswerChange, AssessmentStatus, answer_problems, lacks_recommendation
from ..workflow import COMMENT_MAX_LENGTH
from .limits import CountedLimits

# Legal analysis gets long: room for it, and a refusal by the field past it (never a cut).
TEXT_MAX_LENGTH = 100_000


class AssessmentFilterForm(forms.Form):
    q = forms.CharField(label="Title contains", required=False, max_length=200)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *AssessmentStatus.choices]
    )
    deployment = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    framework = forms.ChoiceField(required=False)

    def __init__(self, *args, deployments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deployment"].choices = [("", "Any deployment")] + [
            (deployment.pk, deployment.name) for deployment in deployments
        ]
        self.fields["framework"].choices = [("", "Any framework")] + list(
            Framework.objects.values_list("slug", "title")
        )


class FrameworkVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FrameworkVersion) -> str:
        return f"{obj.title} — version {obj.version} (published {obj.published:%Y-%m-%d})"


class AssessmentStartForm(CountedLimits, forms.Form):
    title = forms.CharField(max_length=200)
    framework_version = FrameworkVersionChoiceField(
        label="Framework version", queryset=FrameworkVersion.objects.none(), empty_label=None
    )
    as_of = forms.DateField(
        label="As of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the findings describe; evidence after it is out of scope.",
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        versions = list(versions)
        field = self.fields["framework_version"]
        field.queryset = FrameworkVersion.objects.filter(pk__in=[v.pk for v in versions])
        field.choices = [(v.pk, field.label_from_instance(v)) for v in versions]
        if versions and not self.is_bound:
            self.initial.setdefault("framework_version", versions[0].pk)
        self.initial.setdefault("as_of", timezone.localdate())

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the assessment a title.")
        return title


@dataclass(frozen=True)
class EvidenceChoice:
    """The label of one evidence item in a choice: what the page shows of it."""

    pk: int
    title: str
    kind: str  # its label, e.g. "Web page"
    citation: str = ""
    url: str | None = None  # the item's page, when the user may open it
    retired: bool = False

    def __str__(self) -> str:
        return f"{self.title} ({self.citation})" if self.citation else self.title


class LinkedEvidenceWidget(forms.CheckboxSelectMultiple):
    """The evidence linked to an answer, as ticked boxes (untick one to unlink it).

    Only the selected items are written: the field accepts any of the deployment's
    linkable evidence (the picker adds them), but a page of 60 criteria does not list all
    of it under each one."""

    option_template_name = "reviews/widgets/checkbox_option.html"

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value}
        options = [
            self.create_option(name, key, label, True, index, attrs=attrs)
            for index, (key, label) in enumerate(self.choices)
            if str(key) in selected
        ]
        return [(None, options, 0)] if options else []


class PageChoices(BaseChoiceIterator):
    """Choices already as (value, label) pairs, which a field and its widget take as they are:
    a category page gives the deployment's evidence to the form of each of its criteria, and
    Django would otherwise normalize the whole list twice per form."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


# A category page renders about ten widgets a criterion (six radios, two text boxes, the
# linked evidence, the version): in Jinja2, each widget in one template (reviews/widgets/,
# Django's markup without its includes). The page's rows use it too.
WIDGET_RENDERER = PageRenderer()


class PageTextarea(forms.Textarea):
    template_name = "reviews/widgets/textarea.html"


class PageHiddenInput(forms.HiddenInput):
    template_name = "reviews/widgets/input.html"


class StatusRadios(forms.RadioSelect):
    """The six statuses inline, each label after its radio, written by one template render
    (not one per radio)."""

    template_name = "reviews/widgets/status_radios.html"

    def get_context(self, name, value, attrs):
        # The id first, as Django writes radios rendered one by one: the same markup.
        if attrs and "id" in attrs:
            attrs = {"id": attrs["id"], **attrs}
        return super().get_context(name, value, attrs)


# The controls' classes and the ids the page's help and error texts carry.
STATUS_ATTRS = {"class": "form-check-input"}
TEXT_ATTRS = {"class": "form-control"}


class AnswerForm(CountedLimits, forms.Form):
    """One criterion's answer on a category page; prefixed with the answer's id."""

    default_renderer = WIDGET_RENDERER

    status = forms.ChoiceField(
        choices=[(status, scoring.STATUS_LABELS[status]) for status in scoring.STATUSES],
        widget=StatusRadios(attrs=STATUS_ATTRS),
    )
    rationale = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=PageTextarea(attrs={"rows": 3, **TEXT_ATTRS}),
        help_text="Why this status, citing the evidence.",
    )
    recommendation = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=PageTextarea(attrs={"rows": 2, **TEXT_ATTRS}),
        help_text="What the operator should do.",
    )
    evidence = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=LinkedEvidenceWidget(attrs={"class": "form-check-input"}),
        label="Linked evidence",
        error_messages={
            "invalid_choice": "Evidence %(value)s cannot be linked: it is retired or of "
            "another deployment."
        },
    )
    version = forms.IntegerField(min_value=1, widget=PageHiddenInput)

    def __init__(self, *args, answer, evidence_choices, linked: list[int] | None = None, **kwargs):
        """`linked`: the answer's evidence ids when the caller has them (else they are read)."""
        kwargs.setdefault("prefix", f"a{answer.pk}")
        kwargs.setdefault(
            "initial",
            {
                "status": answer.status,
                "rationale": answer.rationale,
                "recommendation": answer.recommendation,
                "evidence": answer.evidence_ids() if linked is None else linked,
                "version": answer.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.answer = answer
        self.fields["evidence"].choices = PageChoices(evidence_choices)
        self._describe()

    def _describe(self, errors=()):
        """Point each text box at its help (and error) text, and mark the invalid ones."""
        for name in ("rationale", "recommendation"):
            widget, field_id = self.fields[name].widget, f"id_{self.add_prefix(name)}"
            described = [f"{field_id}-help"]
            if name == "recommendation" and self.lacks_recommendation:
                described.append(f"{field_id}-warning")
            if name in errors:
                described.append(f"{field_id}-error")
                widget.attrs["class"] = "form-control is-invalid"
            widget.attrs["aria-describedby"] = " ".join(described)
        if "status" in errors:
            self.fields["status"].widget.attrs.update(
                {
                    "class": "form-check-input is-invalid",
                    "aria-describedby": f"id_{self.add_prefix('status')}-error",
                }
            )

    def full_clean(self):
        super().full_clean()
        if self._errors:
            self._describe(self._errors)

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned and "rationale" in cleaned:
            problems = answer_problems(
                cleaned["status"], cleaned["rationale"], red_line=self.answer.criterion.red_line
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned

    @property
    def lacks_recommendation(self) -> bool:
        """The warning shown beside a gap without a recommendation, for what is on the page."""
        if self.is_bound:
            return lacks_recommendation(
                self.data.get(self.add_prefix("status"), ""),
                self.data.get(self.add_prefix("recommendation"), ""),
            )
        return self.answer.lacks_recommendation

    def change(self) -> AnswerChange:
        data = self.cleaned_data
        return AnswerChange(
            answer_id=self.answer.pk,
            version=data["version"],
            status=data["status"],
            rationale=data["rationale"].strip(),
            recommendation=data["recommendation"].strip(),
            evidence=tuple(data["evidence"]),
        )


class StepCommentForm(CountedLimits, forms.Form):
    """The comment of a return to draft, or the reason for reopening."""

    comment = forms.CharField(
        max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, label: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        self.fields["comment"].help_text = help_text


class ApproveForm(CountedLimits, forms.Form):
    """The approval's confirmation: the office's attestation, ticked, and an optional note."""

    confirm = forms.BooleanField(
        error_messages={"required": "Tick the statement to confirm it before approving."}
    )
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed with your sign-off in the report, for example a reservation.",
    )

    def __init__(self, *args, attestation: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.attestation = attestation
        self.fields["confirm"].label = attestation


class ReassessForm(AssessmentStartForm):
    """Start a new assessment from an earlier one: same version or the framework's newest."""


class ExecutiveSummaryForm(forms.Form):
    executive_summary = forms.CharField(
        label="Executive summary",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "A few paragraphs for readers who will read nothing else: what was assessed, the "
            "verdict and the main gaps. Printed first in the PDF, the summary, the Word copy "
            "and the web page; blank lines separate paragraphs."
        ),
    )


class EvidencePickForm(forms.Form):
    """The picker page of one criterion (without JavaScript): evidence items to link to it."""

    evidence = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label="Evidence to link",
        error_messages={
            "required": "Tick at least one item to link, or go back without linking.",
            "invalid_choice": "Evidence %(value)s cannot be linked: it is retired, already "
            "linked or of another deployment.",
        },
    )

    def __init__(self, *args, choices: list[tuple[int, EvidenceChoice]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = choices
