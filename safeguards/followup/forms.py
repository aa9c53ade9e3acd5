"""Forms of the follow-up pages: register filters, edits, notes, status steps, decisions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from safeguards.accounts.models import Role, display_name
from safeguards.reviews.models import Evidence

from . import register, states
from .models import AgencyResponse, Priority, Recommendation, RecommendationStatus, Validity

DATE = forms.DateInput(attrs={"type": "date"})

SORTS = {
    "number": ("year", "serial"),
    "-number": ("-year", "-serial"),
    "target": ("target_date", "year", "serial"),
    "-target": ("-target_date", "year", "serial"),
    "opened": ("opened_on", "year", "serial"),
    "-opened": ("-opened_on", "-year", "-serial"),
    "deployment": ("deployment__name", "year", "serial"),
    "status": ("status", "year", "serial"),
    "priority": ("priority_rank", "year", "serial"),
}
SORT_LABELS = {
    "number": "Number",
    "-number": "Number, newest first",
    "target": "Target date",
    "-target": "Target date, latest first",
    "opened": "Opened, oldest first",
    "-opened": "Opened, newest first",
    "deployment": "Deployment",
    "status": "Status",
    "priority": "Priority",
}
LIVE_CHOICE = "live"


class RegisterFilterForm(forms.Form):
    # A deployment's own page links here with its id; people filter by name (a list of every
    # deployment of a large office would be the biggest part of the page).
    deployment = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    deployment_name = forms.CharField(
        required=False, max_length=200, label="Deployment name contains"
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), (LIVE_CHOICE, "Open or resolved"), *RecommendationStatus.choices],
    )
    priority = forms.ChoiceField(required=False, choices=[("", "All"), *Priority.choices])
    overdue = forms.BooleanField(required=False, label="Overdue")
    unresolved = forms.BooleanField(required=False, label="Unresolved after 6 months")
    over_a_year = forms.BooleanField(required=False, label="Open more than a year")
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()), label="Sort by")

    def __init__(self, *args, deployments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deployment"].queryset = deployments

    def filter(self, recs, today):
        if not self.is_valid():
            return recs.order_by("year", "serial")
        data = self.cleaned_data
        if data["deployment"]:
            recs = recs.filter(deployment=data["deployment"])
        if data["deployment_name"].strip():
            recs = recs.filter(deployment__name__icontains=data["deployment_name"].strip())
        if data["status"] == LIVE_CHOICE:
            recs = recs.filter(status__in=states.LIVE)
        elif data["status"]:
            recs = recs.filter(status=data["status"])
        if data["priority"]:
            recs = recs.filter(priority=data["priority"])
        if data["overdue"]:
            recs = recs.filter(status__in=states.LIVE, target_date__lt=today)
        if data["unresolved"]:
            recs = recs.filter(status=states.OPEN, opened_on__lte=states.unresolved_cutoff(today))
        if data["over_a_year"]:
            recs = recs.filter(status__in=states.LIVE, opened_on__lt=states.long_open_cutoff(today))
        return recs.order_by(*SORTS[data["sort"] or "number"])


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class RecommendationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    owner = MemberChoice(
        queryset=None,
        required=False,
        label="Followed up by",
        empty_label="Nobody (the office's approvers are reminded)",
        help_text="The member of this office reminded of its dates; it shows under their My work.",
    )

    class Meta:
        model = Recommendation
        fields = list(register.EDITABLE)
        labels = {
            "agency_response": "Agency response",
            "agency_response_text": "Agency's response, as written",
            "agency_response_date": "Date of the response",
            "agreed_action": "Agreed corrective action",
            "responsible_official": "Responsible official",
            "target_date": "Target date",
        }
        widgets = {
            "agency_response_date": DATE,
            "target_date": DATE,
            "agency_response_text": forms.Textarea(attrs={"rows": 4}),
            "agreed_action": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "responsible_official": "Name and title of the agency official who owns the action.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__office_id=self.instance.office_id,
                memberships__role__in=(Role.REVIEWER, Role.APPROVER, Role.ADMIN),
            )
            .select_related("profile")
            .order_by("username")
        )

    def clean(self):
        data = super().clean()
        response = data.get("agency_response")
        if (
            response
            and response != AgencyResponse.NO_RESPONSE
            and not data.get("agency_response_date")
        ):
            self.add_error("agency_response_date", "Give the date of the agency's response.")
        return data


class EvidenceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_kind_display()})"


class NoteForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    text = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=register.NOTE_MAX_LENGTH
    )
    evidence = EvidenceChoice(
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The deployment's evidence this note rests on. Add new sources on the "
        "deployment's evidence page first.",
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Evidence.objects.filter(
            deployment_id=recommendation.deployment_id
        ).order_by("title", "pk")


class StepForm(NoteForm):
    """A status step: its note (the reason) and evidence; closing also says how it ended."""

    outcome = forms.ChoiceField(
        choices=[
            (states.CLOSE_IMPLEMENTED, "Implemented"),
            (states.CLOSE_NOT_IMPLEMENTED, "Not implemented"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    superseded_by = forms.CharField(
        label="Replaced by (number)",
        required=False,
        max_length=80,
        help_text="The number of the recommendation that replaces this one, e.g. OIG-2027-03.",
    )

    def __init__(self, *args, recommendation, action, **kwargs):
        super().__init__(*args, recommendation=recommendation, **kwargs)
        self.recommendation, self.action = recommendation, action
        self.fields["text"].label = "Reason"
        if action == "close":
            self.fields["outcome"].required = True
            self.fields["outcome"].label = "Outcome"
            self.fields["evidence"].required = True
            self.fields["evidence"].help_text = (
                "Closing needs evidence: the document that shows the action was taken (or the "
                "agency's refusal). " + self.fields["evidence"].help_text
            )
        else:
            del self.fields["outcome"]
        if action != states.SUPERSEDE:
            del self.fields["superseded_by"]

    def clean_superseded_by(self):
        number = " ".join(self.cleaned_data["superseded_by"].split()).upper()
        if not number:
            raise forms.ValidationError("Name the recommendation that replaces this one.")
        found = Recommendation.objects.filter(
            office_id=self.recommendation.office_id, number=number
        ).first()
        if found is None:
            raise forms.ValidationError(f"No recommendation {number} in this office.")
        if found.pk == self.recommendation.pk:
            raise forms.ValidationError("A recommendation cannot replace itself.")
        return found

    def state_action(self) -> str:
        return self.cleaned_data["outcome"] if self.action == "close" else self.action


class DecisionForm(forms.Form):
    """The approver's decision, sent with the approval."""

    validity = forms.ChoiceField(
        label="Valid for",
        required=False,
        choices=[("", "No set validity"), *Validity.choices],
        help_text="Sets the deployment's re-assessment due date.",
    )
    conditions = forms.CharField(
        label="Conditions (one per line)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each line becomes a numbered recommendation of priority “condition”.",
    )
    reservations = forms.CharField(
        label="Reservations",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, deployment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deployment = deployment

    def clean_validity(self):
        validity = self.cleaned_data["validity"]
        if (
            validity == states.CONTRACT_END
            and self.deployment is not None
            and self.deployment.period_end is None
        ):
            raise forms.ValidationError(
                "This deployment has no contract end date: choose a period."
            )
        return validity

    def clean_conditions(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["conditions"].splitlines()]
        return tuple(line for line in lines if line)

    def decision(self) -> register.DecisionInput:
        data = self.cleaned_data
        return register.DecisionInput(
            validity=data["validity"],
            conditions=data["conditions"],
            reservations=data["reservations"],
        )
